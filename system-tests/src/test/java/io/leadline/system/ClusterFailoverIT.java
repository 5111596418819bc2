package io.leadline.system;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadClaimed;
import io.leadline.system.harness.OutboxFeed;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.SdkWatcher;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.testing.NatsTestCluster;
import io.leadline.testing.TestTokens;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The platform on a three-node JetStream cluster with two gateway instances, and real SDK clients split
 * over both: while events flow through leads-service's outbox, the stream leader's node is killed and
 * restarted, then another node; then both gateway instances are restarted one after the other. Every
 * client sees every event of its channels exactly once and in order, and the outbox drains. The recovery
 * times are logged on lines that start with {@code cluster failover:}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    private static final Logger LOG = Logger.getLogger(ClusterFailoverIT.class);
    /** Failover, catch-up and restarts on a loaded two-core machine: generous, a fast run ends the wait at once. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int CLIENTS = 16;
    private static final int EVENTS = 10_000;
    /** 25 events every 150 ms, about 170 a second (EVENTS in a minute); a loaded machine writes fewer. */
    private static final int PER_BATCH = 25;
    private static final Duration BATCH_INTERVAL = Duration.ofMillis(150);
    /** One event in ten goes to the channel every client watches, the others to one user's own channel each. */
    private static final int SHARED_EVERY = 10;

    private static Platform platform;
    private static ServiceProcess secondNotify;
    private static final List<SdkWatcher.Client> clients = new ArrayList<>();
    private static SdkWatcher watcher;
    private static OutboxFeed feed;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.startOnCluster(ClusterFailoverIT.class);
        String database = platform.notifyService().database();
        secondNotify = new ServiceProcess("notify-service", "ClusterFailoverIT-2", database,
                ServiceProcess.standardProperties("notify-service", database, platform.bus(), TestTokens.keyDir(),
                        Platform.ADMIN_USERNAME, platform.adminPassword()));
        secondNotify.start();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new SdkWatcher.Client(platform.register("provider"), i % 2, List.of(Channels.LEADS)));
        }
        watcher = SdkWatcher.start("ClusterFailoverIT", instances(), platform.leads(), clients, WAIT);
        feed = new OutboxFeed(platform.leads());
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (secondNotify != null) {
            secondNotify.stop();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void losingTheStreamLeaderAndThenAnotherNodeUnderTrafficLosesAndRepeatsNothing() throws Exception {
        NatsTestCluster cluster = platform.cluster();
        // written until both losses are over and at least EVENTS are in, so both happen while events flow
        CompletableFuture<Void> writing = feed.write(Integer.MAX_VALUE, PER_BATCH, BATCH_INTERVAL, ClusterFailoverIT::event);
        try {
            await().atMost(WAIT).until(() -> feed.written() >= EVENTS / 10);
            NatsTestCluster.Node leader = cluster.awaitStreamLeader();
            loseNode(leader, "the stream leader");

            NatsTestCluster.Node another = cluster.awaitStreamLeader();
            String role = "the new stream leader";
            if (another == leader) {
                another = cluster.nodes().stream().filter(node -> node != leader).findFirst().orElseThrow();
                role = "a follower";
            }
            loseNode(another, role);
            await().atMost(WAIT).until(() -> feed.written() >= EVENTS);
        } finally {
            feed.stop();
        }
        writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        LOG.infof("cluster failover: %d events written while two nodes were lost in turn", feed.written());

        awaitOutboxDrained();
        awaitEveryClientCaughtUp(feed.written(), "every event");
        assertEveryClientSawEveryEventOnceInOrder();
    }

    @Test
    @Order(2)
    void aRollingRestartOfBothGatewayInstancesUnderTrafficMovesClientsAndLosesAndRepeatsNothing() throws Exception {
        int before = feed.written();
        CompletableFuture<Void> writing = feed.write(Integer.MAX_VALUE, PER_BATCH, BATCH_INTERVAL, i -> event(before + i));
        try {
            await().atMost(WAIT).until(() -> feed.written() >= before + 500);
            List<ServiceProcess> instances = instances();
            for (int k = 0; k < instances.size(); k++) {
                restartInstance(k, instances.get(k));
            }
        } finally {
            feed.stop();
        }
        writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        LOG.infof("cluster failover: %d events written during the rolling restart", feed.written() - before);
        awaitOutboxDrained();
        awaitEveryClientCaughtUp(feed.written(), "every event");
        assertEveryClientSawEveryEventOnceInOrder();
        for (int i = 0; i < CLIENTS; i++) {
            assertThat(watcher.connections(i)).as("the instances client %d opened sockets on", i).contains(0, 1);
        }
    }

    /**
     * SIGKILL of a node while events flow: the relay keeps publishing on the other two (asserted while the
     * node is still down), the clients get everything written before; then the node comes back and catches up.
     */
    private static void loseNode(NatsTestCluster.Node node, String role) {
        NatsTestCluster cluster = platform.cluster();
        int writtenBefore = feed.written();
        long killed = System.nanoTime();
        node.kill();
        try {
            await("an event written after the kill").atMost(WAIT).until(() -> feed.written() > writtenBefore);
            String firstAfter = feed.envelopes().get(writtenBefore).id();
            await("the relay publishing an event written after " + node.name() + " died").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100)).until(() -> feed.isPublished(firstAfter));
            long publishingMs = millisSince(killed);
            NatsTestCluster.Node elected = cluster.awaitStreamLeader();

            awaitEveryClientCaughtUp(writtenBefore, "the events written before " + node.name() + " died");
            long caughtUpMs = millisSince(killed);
            assertThat(node.isRunning()).as("the node stayed down while publishing resumed and clients caught up").isFalse();

            long restarted = System.nanoTime();
            node.start();
            cluster.awaitCaughtUp(node);
            long replicaMs = millisSince(restarted);
            LOG.infof("cluster failover: SIGKILL of %s (%s) after %d events: publishing resumed after %d ms (stream "
                            + "leader now %s), every client had every earlier event after %d ms; the restarted node had "
                            + "caught up %d ms after its start", node.name(), role, writtenBefore, publishingMs,
                    elected.name(), caughtUpMs, replicaMs);
        } finally {
            if (!node.isRunning()) {
                node.start(); // a failure here must not leave the next test a cluster one node short
            }
        }
    }

    /** SIGTERM of one gateway instance, then started again: its clients move to the other one and catch up. */
    private static void restartInstance(int index, ServiceProcess instance) {
        List<Integer> homedHere = IntStream.range(0, CLIENTS).filter(i -> lastInstance(i) == index).boxed().toList();
        int writtenBefore = feed.written();
        long stopping = System.nanoTime();
        instance.stop();
        long stoppedMs = millisSince(stopping);
        await("the clients of instance " + index + " on the other one").atMost(WAIT)
                .until(() -> homedHere.stream().allMatch(i -> lastInstance(i) != index));
        long movedMs = millisSince(stopping);
        awaitEveryClientCaughtUp(writtenBefore, "the events written before instance " + index + " stopped");
        long caughtUpMs = millisSince(stopping);
        instance.start();
        long readyMs = millisSince(stopping);
        LOG.infof("cluster failover: SIGTERM of notify instance %d with %d clients: stopped after %d ms, its clients "
                        + "reconnected to the other after %d ms and caught up after %d ms; ready again after %d ms",
                index, homedHere.size(), stoppedMs, movedMs, caughtUpMs, readyMs);
    }

    private static int lastInstance(int client) {
        List<Integer> connections = watcher.connections(client);
        return connections.isEmpty() ? -1 : connections.get(connections.size() - 1);
    }

    private static List<ServiceProcess> instances() {
        return List.of(platform.notifyService(), secondNotify);
    }

    /** Event {@code i}: on the shared channel, or on one client's own channel in turn. */
    private static OutboxFeed.Pending event(int i) {
        String leadId = "cluster-" + i;
        if (i % SHARED_EVERY == 0) {
            return new OutboxFeed.Pending(Channels.LEADS, new LeadClaimed(leadId, 1, 3, true, false));
        }
        Platform.User user = clients.get(i % CLIENTS).user();
        return new OutboxFeed.Pending(Channels.user(user.id()),
                new LeadAlert(leadId, LeadAlert.COMPETITION, "Lead " + i, "Event " + i + " of the failover run", "normal",
                        null, null, null));
    }

    private static void awaitOutboxDrained() {
        await("the outbox backlog drained").atMost(WAIT).until(() -> feed.backlog().unpublished() == 0);
    }

    /** Waits until every client has received every event of its channels among the first {@code count} written. */
    private static void awaitEveryClientCaughtUp(int count, String what) {
        List<EventEnvelope<Event>> written = feed.envelopes().subList(0, count);
        await("every client has " + what).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i = 0; i < CLIENTS; i++) {
                Set<String> received = new HashSet<>();
                watcher.received(i).forEach(event -> received.add(event.id()));
                Set<String> channels = channelsOf(i);
                for (EventEnvelope<Event> envelope : written) {
                    if (channels.contains(envelope.channel()) && !received.contains(envelope.id())) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    private static void assertEveryClientSawEveryEventOnceInOrder() {
        Set<String> ours = new HashSet<>();
        feed.envelopes().forEach(envelope -> ours.add(envelope.id()));
        for (int i = 0; i < CLIENTS; i++) {
            List<SdkWatcher.Received> received = watcher.received(i);
            for (String channel : channelsOf(i)) {
                List<SdkWatcher.Received> onChannel = received.stream()
                        .filter(event -> event.channel().equals(channel) && ours.contains(event.id())).toList();
                assertThat(onChannel.stream().map(SdkWatcher.Received::id).toList())
                        .as("client %d on %s: every event once, in the order written", i, channel)
                        .containsExactlyElementsOf(feed.idsOn(channel));
                assertThat(onChannel.stream().mapToLong(SdkWatcher.Received::seq).toArray())
                        .as("client %d on %s: stream sequence", i, channel).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    private static Set<String> channelsOf(int client) {
        return Set.of(Channels.LEADS, Channels.user(clients.get(client).user().id()));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
