package io.leadline.testing;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The three-node test cluster: replicated as provisioned, and the stream survives the loss of its leader. */
class NatsTestClusterTest {

    private static NatsTestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = NatsTestCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theStreamAndTheBucketsAreKeptOnEveryNode() throws Exception {
        JetStreamManagement jsm = cluster.connection(NatsIdentity.PROVISIONER).jetStreamManagement();
        assertThat(jsm.getStreamInfo(StreamLimits.DEFAULTS.name()).getConfiguration().getReplicas()).isEqualTo(3);
        assertThat(jsm.getStreamInfo(EscrowPartiesBucket.streamName()).getConfiguration().getReplicas()).isEqualTo(3);
        assertThat(cluster.url().split(",")).hasSize(3);
        assertThat(cluster.clientProperties(NatsIdentity.LEADS).get("leadline.nats.url")).isEqualTo(cluster.url());
    }

    @Test
    void killingTheStreamLeaderLeavesTheStreamWritableAndTheRestartedNodeCatchesUp() throws Exception {
        NatsTestCluster.Node leader = cluster.awaitStreamLeader();
        Connection leads = cluster.connect(NatsIdentity.LEADS);
        try {
            JetStream jetStream = leads.jetStream();
            PublishOptions expectStream = PublishOptions.builder().expectedStream(StreamLimits.DEFAULTS.name()).build();
            String subject = Channels.subjectOf(EventType.LEAD_CREATED, Channels.LEADS);
            PublishAck before = jetStream.publish(subject, "{}".getBytes(StandardCharsets.UTF_8), expectStream);

            leader.kill();
            NatsTestCluster.Node elected = cluster.awaitStreamLeader();
            assertThat(elected).isNotSameAs(leader);
            PublishAck after = jetStream.publish(subject, "{}".getBytes(StandardCharsets.UTF_8), expectStream);
            assertThat(after.getSeqno()).isGreaterThan(before.getSeqno());

            leader.start();
            cluster.awaitCaughtUp(leader);
            assertThat(cluster.nodes()).allMatch(NatsTestCluster.Node::isRunning);
        } finally {
            leads.close();
        }
    }
}
