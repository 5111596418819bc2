package io.leadline.shared.nats;

import io.leadline.shared.event.Channels;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * The {@code CHANNELS} stream on {@code ch.>}: every client-visible event, replayable by its stream
 * sequence. Every service makes sure it exists with the configured limits when it starts.
 */
@Startup
@Singleton
public class ChannelStream {

    private static final Logger LOG = Logger.getLogger(ChannelStream.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int STREAM_NAME_IN_USE = 10058;

    @Inject
    Connection connection;

    @Inject
    NatsConfig config;

    /** Creates or updates the stream; also after a reconnect, when a server may have lost it. */
    @PostConstruct
    public void ensure() {
        try {
            ensure(connection.jetStreamManagement(), configuration());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot create or update stream " + name(), e);
        }
    }

    public String name() {
        return config.stream().name();
    }

    StreamConfiguration configuration() {
        NatsConfig.Stream stream = config.stream();
        return StreamConfiguration.builder()
                .name(stream.name())
                .subjects(Channels.ALL_SUBJECTS)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxAge(stream.maxAge())
                .maxMessagesPerSubject(stream.maxMsgsPerSubject())
                .maxBytes(stream.maxBytes())
                .duplicateWindow(stream.duplicateWindow())
                .replicas(stream.replicas())
                .build();
    }

    static void ensure(JetStreamManagement jsm, StreamConfiguration wanted) throws IOException, JetStreamApiException {
        for (int attempt = 0; ; attempt++) {
            try {
                jsm.getStreamInfo(wanted.getName());
                jsm.updateStream(wanted);
                LOG.debugf("stream %s up to date", wanted.getName());
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            try {
                jsm.addStream(wanted);
                LOG.infof("created stream %s on %s", wanted.getName(), wanted.getSubjects());
                return;
            } catch (JetStreamApiException e) {
                // another service created it between our two calls: update it on the next round
                if (e.getApiErrorCode() != STREAM_NAME_IN_USE || attempt > 3) {
                    throw e;
                }
            }
        }
    }
}
