package io.leadline.leads.profile.rest;

import io.leadline.leads.lead.PropertyType;
import io.leadline.leads.lead.rest.LeadForm;
import io.leadline.leads.lead.validation.KnownCategory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The whole profile, replaced on every PUT. Empty {@code property_types} means any type; a class
 * ({@code residential}, {@code commercial}) means every type in it.
 */
public record ProfileForm(
        @NotEmpty @Size(max = 20) List<@NotNull @KnownCategory String> categories,
        @NotEmpty @Size(max = 50) List<@NotNull @Valid ServiceAreaForm> serviceAreas,
        @Size(max = 10) List<@NotNull @Pattern(regexp = PropertyType.PATTERN,
                message = PropertyType.MESSAGE) String> propertyTypes,
        @Min(1) @Max(LeadForm.MAX_UNITS) Integer minUnits,
        @Min(1) @Max(LeadForm.MAX_UNITS) Integer maxUnits) {
}
