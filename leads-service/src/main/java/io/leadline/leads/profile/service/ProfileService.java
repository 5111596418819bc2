package io.leadline.leads.profile.service;

import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.repository.ProfileRepository;
import io.leadline.shared.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

@ApplicationScoped
public class ProfileService {

    @Inject
    ProfileRepository profiles;

    public Uni<ProviderProfile> save(ProviderProfile profile) {
        if (profile.minUnits() != null && profile.maxUnits() != null && profile.minUnits() > profile.maxUnits()) {
            return Uni.createFrom().failure(ProblemException.invalidField("max_units", "must not be less than min_units"));
        }
        return Panache.withTransaction(() -> profiles.save(profile));
    }

    public Uni<Optional<ProviderProfile>> find(long accountId) {
        return Panache.withTransaction(() -> profiles.findProfile(accountId));
    }
}
