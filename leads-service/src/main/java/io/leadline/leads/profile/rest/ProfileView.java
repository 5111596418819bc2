package io.leadline.leads.profile.rest;

import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;

import java.util.List;

public record ProfileView(long accountId, List<String> categories, List<ServiceArea> serviceAreas,
        List<String> propertyTypes, Integer minUnits, Integer maxUnits) {

    public static ProfileView of(ProviderProfile profile) {
        return new ProfileView(profile.accountId(), profile.categories(), profile.serviceAreas(),
                profile.propertyTypes(), profile.minUnits(), profile.maxUnits());
    }
}
