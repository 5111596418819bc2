package io.leadline.shared.nats;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.presence.PresenceBucket;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * Creates or updates what the services share on JetStream: the {@code CHANNELS} stream, the
 * {@code escrow-parties} bucket and notify-service's {@code notify-presence} bucket. It runs with the provisioning identity (the only one whose NATS
 * permissions allow it) once per deployment: `./leadline up`, the Kubernetes job, the test harness;
 * the services only check that they exist.
 */
public final class Provisioning {

    private static final Logger LOG = Logger.getLogger(Provisioning.class);

    private Provisioning() {
    }

    public static void provision(Connection nats, StreamLimits limits) throws IOException, JetStreamApiException {
        ensureStream(nats.jetStreamManagement(), limits.configuration());
        ensureBucket(nats.keyValueManagement(), EscrowPartiesBucket.configuration(limits.replicas()));
        ensureBucket(nats.keyValueManagement(), PresenceBucket.configuration(limits.replicas()));
    }

    static void ensureStream(JetStreamManagement jsm, StreamConfiguration wanted) throws IOException, JetStreamApiException {
        for (int attempt = 0; ; attempt++) {
            try {
                jsm.getStreamInfo(wanted.getName());
                jsm.updateStream(wanted);
                LOG.debugf("stream %s up to date", wanted.getName());
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != JetStreamErrorCodes.STREAM_NOT_FOUND) {
                    throw e;
                }
            }
            try {
                jsm.addStream(wanted);
                LOG.infof("created stream %s on %s", wanted.getName(), wanted.getSubjects());
                return;
            } catch (JetStreamApiException e) {
                // created by someone else between our two calls: update it on the next round
                if (e.getApiErrorCode() != JetStreamErrorCodes.STREAM_NAME_IN_USE || attempt > 3) {
                    throw e;
                }
            }
        }
    }

    static void ensureBucket(KeyValueManagement kvm, KeyValueConfiguration wanted)
            throws IOException, JetStreamApiException {
        String name = wanted.getBucketName();
        try {
            kvm.getStatus(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrorCodes.STREAM_NOT_FOUND) {
                throw e;
            }
            try {
                kvm.create(wanted);
                LOG.infof("created bucket %s", name);
            } catch (JetStreamApiException raced) {
                kvm.getStatus(name); // created meanwhile: fine if it exists now
            }
        }
    }
}
