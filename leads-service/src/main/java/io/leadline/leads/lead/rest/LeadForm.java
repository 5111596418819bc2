package io.leadline.leads.lead.rest;

import io.leadline.leads.lead.PropertyType;
import io.leadline.leads.lead.validation.KnownCategory;
import io.leadline.leads.lead.validation.UsState;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The public lead form. Every field is required; each invalid one is named in the 400 answer. */
public record LeadForm(
        @NotBlank @Size(min = 5, max = 120) String title,
        @NotBlank @Size(min = 10, max = 4000) String description,
        @NotNull @KnownCategory String category,
        @NotBlank @Size(max = 100) String contactName,
        // Hibernate's @Email alone accepts "a@b"; a lead we cannot mail is worth nothing
        @NotBlank @Size(max = 254) @Email(regexp = ".+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid email address")
        String contactEmail,
        @NotBlank
        @Pattern(regexp = PHONE, message = "must be a phone number with 7 to 15 digits, e.g. +1 555 123 4567")
        String contactPhone,
        @NotBlank @Size(max = 80) @Pattern(regexp = "[\\p{L} .'-]+", message = "must contain letters only")
        String city,
        @NotNull @UsState String state,
        @NotNull @Pattern(regexp = "\\d{5}(-\\d{4})?", message = "must be a US ZIP code: 12345 or 12345-6789")
        String zip,
        @NotNull @Pattern(regexp = PropertyType.PATTERN, message = PropertyType.MESSAGE)
        String propertyType,
        @NotNull @Min(1) @Max(MAX_UNITS) Integer units,
        @NotNull @Pattern(regexp = "low|medium|high|urgent", message = "must be one of low, medium, high, urgent")
        String urgency) {

    public static final int MAX_UNITS = 100_000;
    /** 7 to 15 digits, optionally a leading +, with the usual separators. */
    static final String PHONE = "(?=(?:\\D*\\d){7,15}\\D*$)\\+?[0-9() .-]{7,25}";
}
