package io.leadline.shared.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/**
 * The {@code CHANNELS} stream on {@code ch.>}: every client-visible event, replayable by its stream
 * sequence. Provisioning creates it ({@link Provisioning}); a service checks at start that it is there,
 * waiting up to {@code leadline.nats.provisioning-wait} for it. In the dev profile, where NATS is the
 * developer's own and unauthenticated, a service provisions it itself.
 */
@Startup
@Singleton
public class ChannelStream {

    private static final Logger LOG = Logger.getLogger(ChannelStream.class);

    /**
     * The idle heartbeat of the long-lived ordered consumers that read the stream (the gateway's router,
     * the inbox writer). The client library recreates such a consumer after three missed heartbeats, and
     * again three heartbeats after a recreation that failed: on a NATS cluster that is how a consumer
     * whose server died, while the connection itself stayed up on another one, comes back. The library's
     * default (5 s, so 15 s per attempt, twice or more while the stream elects a leader) kept clients of
     * such a gateway a minute behind; one idle message a second per consumer is nothing beside that.
     */
    public static final Duration ORDERED_CONSUMER_HEARTBEAT = Duration.ofSeconds(1);

    @Inject
    Connection connection;

    @Inject
    NatsConfig config;

    @PostConstruct
    void atStart() {
        if (config.provisionAtStart()) {
            try {
                Provisioning.provision(connection, limits());
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException("cannot provision stream " + name(), e);
            }
            return;
        }
        long deadline = System.nanoTime() + config.provisioningWait().toNanos();
        while (true) {
            try {
                verify();
                return;
            } catch (IllegalStateException missing) {
                if (System.nanoTime() > deadline) {
                    throw missing;
                }
                LOG.infof("waiting for stream %s to be provisioned: %s", name(), missing.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw missing;
                }
            }
        }
    }

    /**
     * Fails when the stream is not there (never provisioned, or a restarted server lost it); used at
     * start and after reconnects.
     */
    public void verify() {
        try {
            connection.jetStreamManagement().getStreamInfo(name());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("stream " + name() + " is not available (provisioning creates it: "
                    + "./leadline up, the nats-provisioning job, or NatsSetup provision): " + e.getMessage(), e);
        }
    }

    public String name() {
        return config.stream().name();
    }

    public StreamLimits limits() {
        return StreamLimits.of(config.stream());
    }
}
