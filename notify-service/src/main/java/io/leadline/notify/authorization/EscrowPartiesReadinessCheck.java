package io.leadline.notify.authorization;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready before the escrow parties are loaded: a party subscribing then would be refused. */
@Readiness
@ApplicationScoped
public class EscrowPartiesReadinessCheck implements HealthCheck {

    @Inject
    EscrowParties parties;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(EscrowPartiesBucket.NAME).status(parties.isLoaded()).build();
    }
}
