package io.leadline.notify.session;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Closes connections whose token expired (4001) and connections silent past the idle time-out. */
@ApplicationScoped
public class SessionSweeper {

    @Inject
    Sessions sessions;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    @Scheduled(every = "${leadline.gateway.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        long nowSeconds = System.currentTimeMillis() / 1000;
        long idleNanos = config.idleTimeout().toNanos();
        for (ClientSession session : sessions.all()) {
            if (!session.isOpen()) {
                continue;
            }
            if (session.tokenExpiresAt() > 0 && session.tokenExpiresAt() <= nowSeconds) {
                metrics.tokenExpired();
                session.end(SessionEnd.TOKEN_EXPIRED);
            } else if (session.silentNanos() > idleNanos) {
                session.end(SessionEnd.IDLE);
            }
        }
    }
}
