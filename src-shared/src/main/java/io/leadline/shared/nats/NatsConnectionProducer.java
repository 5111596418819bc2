package io.leadline.shared.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;

/** One NATS connection per process, reconnecting for ever; everything else borrows it. */
@Singleton
public class NatsConnectionProducer {

    private static final Logger LOG = Logger.getLogger(NatsConnectionProducer.class);

    @jakarta.inject.Inject
    Event<NatsReconnected> reconnected;

    @Produces
    @Singleton
    Connection connection(NatsConfig config) throws IOException, InterruptedException {
        Options.Builder options = Options.builder()
                .servers(config.url().split(","))
                .connectionName(config.connectionName())
                .connectionTimeout(config.connectTimeout())
                .reconnectWait(config.reconnectWait())
                .maxReconnects(-1)
                // a request nobody listens to fails as "no responders", told apart from a time-out, instead
                // of the same CancellationException: RequestReplyClient reports it as proof nothing was done
                .reportNoResponders()
                .connectionListener(this::onConnectionEvent)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection connection, String error) {
                        // permission violations arrive here: a service doing what it may not is a bug to see
                        LOG.warnf("NATS server error: %s", error);
                    }
                });
        NatsCredentials.apply(config, options);
        Connection connection = Nats.connect(options.build());
        LOG.infof("connected to NATS at %s%s", connection.getConnectedUrl(),
                config.username().map(user -> " as " + user).orElse(""));
        return connection;
    }

    void close(@Disposes Connection connection) throws InterruptedException {
        connection.close();
    }

    private void onConnectionEvent(Connection connection, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> LOG.warn("NATS disconnected; reconnecting");
            case RECONNECTED -> {
                LOG.infof("NATS reconnected to %s", connection.getConnectedUrl());
                reconnected.fireAsync(new NatsReconnected(connection.getConnectedUrl()));
            }
            case CLOSED -> LOG.info("NATS connection closed");
            default -> LOG.debugf("NATS %s", event);
        }
    }
}
