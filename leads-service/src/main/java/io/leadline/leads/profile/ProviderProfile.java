package io.leadline.leads.profile;

import java.util.List;

/** What a provider wants to receive; empty property types mean any, null unit bounds mean open. */
public record ProviderProfile(long accountId, List<String> categories, List<ServiceArea> serviceAreas,
        List<String> propertyTypes, Integer minUnits, Integer maxUnits) {
}
