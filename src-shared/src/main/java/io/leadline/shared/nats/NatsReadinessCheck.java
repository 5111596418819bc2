package io.leadline.shared.nats;

import io.nats.client.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
@ApplicationScoped
public class NatsReadinessCheck implements HealthCheck {

    @Inject
    Connection connection;

    @Override
    public HealthCheckResponse call() {
        Connection.Status status = connection.getStatus();
        return HealthCheckResponse.named("nats")
                .status(status == Connection.Status.CONNECTED)
                .withData("status", status.name())
                .build();
    }
}
