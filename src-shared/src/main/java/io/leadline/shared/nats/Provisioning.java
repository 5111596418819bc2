package io.leadline.shared.nats;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.StreamConfiguration;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * Creates or updates what the services share on JetStream: the {@code CHANNELS} stream and the
 * {@code escrow-parties} bucket. It runs with the provisioning identity (the only one whose NATS
 * permissions allow it) once per deployment: `./leadline up`, the Kubernetes job, the test harness;
 * the services only check that both exist.
 */
public final class Provisioning {

    private static final Logger LOG = Logger.getLogger(Provisioning.class);

    private Provisioning() {
    }

    public static void provision(Connection nats, StreamLimits limits) throws IOException, JetStreamApiException {
        ensureStream(nats.jetStreamManagement(), limits.configuration());
        ensureBucket(nats.keyValueManagement(), limits.replicas());
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

    static void ensureBucket(KeyValueManagement kvm, int replicas) throws IOException, JetStreamApiException {
        try {
            kvm.getStatus(EscrowPartiesBucket.NAME);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrorCodes.STREAM_NOT_FOUND) {
                throw e;
            }
            try {
                kvm.create(EscrowPartiesBucket.configuration(replicas));
                LOG.infof("created bucket %s", EscrowPartiesBucket.NAME);
            } catch (JetStreamApiException raced) {
                kvm.getStatus(EscrowPartiesBucket.NAME); // created meanwhile: fine if it exists now
            }
        }
    }
}
