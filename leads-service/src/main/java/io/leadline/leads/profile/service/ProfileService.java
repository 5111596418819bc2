package io.leadline.leads.profile.service;

import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.repository.ProfileRepository;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.Optional;

@ApplicationScoped
public class ProfileService {

    @Inject
    ProfileRepository profiles;

    @Transactional
    public ProviderProfile save(ProviderProfile profile) {
        if (profile.minUnits() != null && profile.maxUnits() != null && profile.minUnits() > profile.maxUnits()) {
            throw ProblemException.invalidField("max_units", "must not be less than min_units");
        }
        return profiles.save(profile);
    }

    public Optional<ProviderProfile> find(long accountId) {
        return profiles.find(accountId);
    }
}
