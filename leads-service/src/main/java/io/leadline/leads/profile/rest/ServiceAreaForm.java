package io.leadline.leads.profile.rest;

import io.leadline.leads.lead.validation.UsState;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public record ServiceAreaForm(
        @NotBlank @Size(max = 80) @Pattern(regexp = "[\\p{L} .'-]+", message = "must contain letters only") String city,
        @NotNull @UsState String state,
        @Pattern(regexp = "\\d{5}(-\\d{4})?", message = "must be a US ZIP code: 12345 or 12345-6789") String zip) {
}
