package io.leadline.notify.session;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * On SIGTERM: refuse new upgrades (503), close every socket with its protocol's "restarting" code (1012 on {@code /ws}) so clients reconnect to another
 * instance at once (and recover with {@code since}), and wait a bounded time for the closes to go out.
 */
@ApplicationScoped
public class GracefulShutdown implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    @Inject
    Sessions sessions;

    @ConfigProperty(name = "leadline.gateway.shutdown-close-timeout", defaultValue = "5s")
    Duration closeTimeout;

    private volatile boolean draining;

    /**
     * The shutdown delay starts before Quarkus waits for open HTTP requests (an open socket is one), so
     * this is where sockets get their 1012; the ShutdownEvent is the fallback when no delay is enabled.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) throws InterruptedException {
        drain();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) throws InterruptedException {
        drain();
    }

    private synchronized void drain() throws InterruptedException {
        if (draining) {
            return;
        }
        draining = true;
        int open = sessions.size();
        for (ClientSession session : sessions.all()) {
            session.end(SessionEnd.RESTARTING);
        }
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        while (sessions.size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        LOG.infof("closed %d WebSocket connections with 1012 (%d still open)", open, sessions.size());
    }

    public boolean isDraining() {
        return draining;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return draining ? CheckResult.rejectUpgrade(503) : CheckResult.permitUpgrade();
    }
}
