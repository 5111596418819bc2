package io.leadline.notify.presence;

import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A presence key holds 10,000 members (the default maximum) across instances, and refuses one more. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PresenceManyMembersTest {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int MEMBERS = 10_000;

    @Inject
    PresenceRegistry registry;

    @Test
    void tenThousandMembersOnOneKeyAreSeenEverywhereAndTheNextIsRefused() throws Exception {
        String key = "presence-crowd-" + System.nanoTime();
        PresenceEvents events = new PresenceEvents();
        registry.addListener(events);
        try (OtherInstance other = new OtherInstance(MEMBERS)) {
            // half the members connect here, half on the other instance
            for (int i = 0; i < MEMBERS; i++) {
                Member member = new Member("u" + i, "{\"name\":\"user " + i + "\"}");
                PresenceRegistry on = i % 2 == 0 ? registry : other.registry;
                assertThat(on.join(key, "conn-" + i, member)).isTrue();
            }
            await().atMost(WAIT).until(() -> registry.memberCount(key) == MEMBERS
                    && other.registry.memberCount(key) == MEMBERS);
            assertThat(registry.members(key)).hasSize(MEMBERS);
            await().atMost(WAIT).until(() -> events.added(key) == MEMBERS && other.events.added(key) == MEMBERS);

            // full: a new user is refused on either instance, a member's further connection is not
            assertThat(registry.join(key, "one-more", new Member("newcomer", "{}"))).isFalse();
            assertThat(other.registry.join(key, "one-more", new Member("newcomer", "{}"))).isFalse();
            assertThat(registry.join(key, "second-tab", new Member("u1", "{\"name\":\"user 1\"}"))).isTrue();
            assertThat(registry.memberCount(key)).isEqualTo(MEMBERS);

            // the other instance's half leaves
            for (int i = 1; i < MEMBERS; i += 2) {
                other.registry.leave(key, "conn-" + i);
            }
            // u1 is still connected here through its second tab
            await().atMost(WAIT).until(() -> registry.memberCount(key) == MEMBERS / 2 + 1);
            assertThat(events.removed(key)).isEqualTo(MEMBERS / 2 - 1);
        }
        for (int i = 0; i < MEMBERS; i += 2) {
            registry.leave(key, "conn-" + i);
        }
        registry.leave(key, "second-tab");
        assertThat(registry.memberCount(key)).isZero();
        assertThat(registry.keys()).doesNotContain(key);
    }
}
