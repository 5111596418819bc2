package io.leadline.notify.presence;

import io.leadline.shared.presence.PresenceBucket;
import io.leadline.testing.LeadlineTestResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The presence registry of this instance together with another instance on the same bucket: joins and
 * leaves on either are seen by both, a user counts once however many connections they have anywhere,
 * a graceful stop and a crash both take the instance's members away.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PresenceRegistryTest {

    /** Generous: the bound is the instance expiry (15 s) plus the sweep, on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static final PresenceEvents EVENTS = new PresenceEvents();
    private static volatile boolean listening;

    @Inject
    PresenceRegistry registry;

    @Inject
    Connection nats;

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void listen() {
        if (!listening) {
            registry.addListener(EVENTS);
            listening = true;
        }
    }

    private static String newKey() {
        return "presence-room-" + KEYS.incrementAndGet() + "-" + System.nanoTime();
    }

    private static Member member(String userId) {
        return new Member(userId, "{\"name\":\"" + userId + "\",\"role\":\"provider\"}");
    }

    @Test
    void joinsAndLeavesOnEitherInstanceAreSeenByBothAndAUserCountsOnce() throws Exception {
        String key = newKey();
        try (OtherInstance other = new OtherInstance(10_000)) {
            assertThat(registry.join(key, "c1", member("ann"))).isTrue();
            assertThat(registry.join(key, "c2", member("ann"))).isTrue();
            assertThat(other.registry.join(key, "c3", member("ann"))).isTrue();
            assertThat(other.registry.join(key, "c4", member("bob"))).isTrue();

            await().atMost(WAIT).until(() -> registry.memberCount(key) == 2 && other.registry.memberCount(key) == 2);
            assertThat(registry.members(key)).containsExactlyInAnyOrder(member("ann"), member("bob"));
            assertThat(other.registry.members(key)).containsExactlyInAnyOrder(member("ann"), member("bob"));
            assertThat(registry.keys()).contains(key);
            assertThat(other.registry.keys()).contains(key);
            await().atMost(WAIT).until(() -> EVENTS.added(key) == 2 && other.events.added(key) == 2);
            assertThat(EVENTS.added(key, "ann")).isEqualTo(1);
            assertThat(other.events.added(key, "ann")).isEqualTo(1);

            // ann leaves here but still has a connection on the other instance: she stays a member
            registry.leave(key, "c1");
            registry.leave(key, "c2");
            registry.leave(key, "c2"); // twice: nothing more happens
            // this instance writes in order: once the other sees dave, it has seen ann's entry here go
            assertThat(registry.join(key, "c5", member("dave"))).isTrue();
            await().atMost(WAIT).until(() -> other.registry.memberCount(key) == 3);
            assertThat(registry.memberCount(key)).isEqualTo(3);
            assertThat(EVENTS.removed(key)).isZero();
            assertThat(other.events.removed(key)).isZero();

            // her last connection anywhere leaves: both instances tell their listeners
            other.registry.leave(key, "c3");
            await().atMost(WAIT).until(() -> EVENTS.removed(key, "ann") == 1 && other.events.removed(key, "ann") == 1);
            assertThat(registry.members(key)).containsExactlyInAnyOrder(member("bob"), member("dave"));

            registry.leave(key, "c5");
            other.registry.leave(key, "c4");
            await().atMost(WAIT).until(() -> registry.memberCount(key) == 0 && other.registry.memberCount(key) == 0);
            assertThat(registry.keys()).doesNotContain(key);
            assertThat(other.registry.keys()).doesNotContain(key);
            await().atMost(WAIT).until(() -> EVENTS.removed(key) == 3 && other.events.removed(key) == 3);
            assertThat(EVENTS.added(key)).isEqualTo(3);
            assertThat(other.events.added(key)).isEqualTo(3);
        }
        assertThat(EVENTS.of(key)).allSatisfy(event -> assertThat(event.thread()).isEqualTo("presence-events"));
    }

    @Test
    void aGracefulStopRemovesTheInstancesMembersEverywhere() throws Exception {
        String key = newKey();
        OtherInstance other = new OtherInstance(10_000);
        try {
            other.registry.join(key, "a", member("erin"));
            other.registry.join(key, "b", member("erin"));
            other.registry.join(key, "c", member("fred"));
            registry.join(key, "d", member("fred"));
            await().atMost(WAIT).until(() -> registry.memberCount(key) == 2);
        } finally {
            other.close();
        }
        await().atMost(WAIT).until(() -> EVENTS.removed(key, "erin") == 1);
        assertThat(registry.members(key)).containsExactly(member("fred")); // still connected here
        assertThat(EVENTS.removed(key, "fred")).isZero();
        registry.leave(key, "d");
        await().atMost(WAIT).until(() -> EVENTS.removed(key, "fred") == 1);
    }

    @Test
    void aCrashedInstancesMembersArePurgedWithinTheExpiry() throws Exception {
        String key = newKey();
        OtherInstance other = new OtherInstance(10_000);
        String crashed = other.registry.instanceId();
        other.registry.join(key, "a", member("gina"));
        other.registry.join(key, "b", member("hank"));
        other.registry.join(key, "c", member("hank"));
        registry.join(key, "d", member("hank"));
        await().atMost(WAIT).until(() -> registry.memberCount(key) == 2);

        other.crash();
        // within leadline.presence.expiry (15 s) + the sweep: the bound of WAIT is only a safety net
        await().atMost(WAIT).until(() -> EVENTS.removed(key, "gina") == 1);
        assertThat(registry.members(key)).containsExactly(member("hank")); // still connected here
        assertThat(EVENTS.removed(key, "hank")).isZero();
        assertThat(meters.get("leadline.presence.instances.purged").counter().count()).isGreaterThanOrEqualTo(1.0);

        // and the dead instance's entries are gone from the bucket
        KeyValue bucket = nats.keyValue(PresenceBucket.NAME);
        await().atMost(WAIT).until(() -> bucket.get(PresenceRegistry.memberKey(key, crashed, "gina")) == null
                && bucket.get(PresenceRegistry.memberKey(key, crashed, "hank")) == null
                && bucket.get("i." + crashed) == null);
        registry.leave(key, "d");
        await().atMost(WAIT).until(() -> registry.memberCount(key) == 0);
    }

    @Test
    void keysWithAnyPusherCharacterTravelBetweenInstances() throws Exception {
        String key = "presence-a_b=c@d,e.f;g-" + KEYS.incrementAndGet();
        try (OtherInstance other = new OtherInstance(10_000)) {
            registry.join(key, "x", new Member("user/with.dots and spaces", "{\"name\":\"zoë\"}"));
            await().atMost(WAIT).until(() -> other.registry.memberCount(key) == 1);
            assertThat(other.registry.members(key))
                    .containsExactly(new Member("user/with.dots and spaces", "{\"name\":\"zoë\"}"));
            registry.leave(key, "x");
            await().atMost(WAIT).until(() -> other.registry.memberCount(key) == 0);
        }
    }

    @Test
    void refusesKeysThatAreNotPresenceKeys() {
        assertThatThrownBy(() -> registry.join("room 1", "c", member("ivy"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.join("x".repeat(165), "c", member("ivy")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.join("x".repeat(164), "c", member("ivy"))).isTrue();
        registry.leave("x".repeat(164), "c");
        registry.leave("never-joined", "c");
    }

    @Test
    void countsAppearInTheMetrics() {
        String key = newKey();
        registry.join(key, "m1", member("jan"));
        registry.join(key, "m2", member("jan"));
        try {
            assertThat(meters.get("leadline.presence.keys").gauge().value()).isGreaterThanOrEqualTo(1.0);
            assertThat(meters.get("leadline.presence.members").gauge().value()).isGreaterThanOrEqualTo(1.0);
            assertThat(meters.get("leadline.presence.local.connections").gauge().value()).isGreaterThanOrEqualTo(2.0);
        } finally {
            registry.leave(key, "m1");
            registry.leave(key, "m2");
        }
        assertThat(registry.memberCount(key)).isZero();
        assertThat(List.copyOf(registry.members(key))).isEmpty();
    }
}
