package io.leadline.notify.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The repeat rule on its own: a function of the stream's messages (seq, stream time, subject, event id). */
class RepeatedEventsTest {

    private static final String LEADS = "ch.leads.leads";
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void aSecondCopyOfAnEventIdOnItsSubjectIsARepeatAndTheFirstIsNot() {
        RepeatedEvents repeats = new RepeatedEvents(100, Duration.ofHours(24), 262_144);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 1, T0)).isFalse();
        assertThat(repeats.repeatAndRecord("01B", LEADS, 2, T0)).isFalse();
        assertThat(repeats.repeatAndRecord("01A", LEADS, 3, T0 + 600_000)).isTrue();

        // a replay asks about messages the router has passed: the first copy is no repeat, the later one is
        assertThat(repeats.isRepeat("01A", LEADS, 1, T0)).isFalse();
        assertThat(repeats.isRepeat("01A", LEADS, 3, T0 + 600_000)).isTrue();
    }

    @Test
    void aPublisherRepeatingOneIdAHundredThousandTimesKeepsEveryCopyARepeatAndTheRecordSmall() {
        int window = 50_000;
        RepeatedEvents repeats = new RepeatedEvents(window, Duration.ofHours(24), 262_144);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 1, T0)).isFalse();
        for (long seq = 2; seq <= 100_000; seq++) {
            // every copy repeats the one before it; the window's oldest copies leave as new ones arrive
            assertThat(repeats.repeatAndRecord("01A", LEADS, seq, T0 + seq)).isTrue();
        }
        assertThat(repeats.remembered()).isEqualTo(1);
        // a replay from between two recent copies still finds the one before it
        assertThat(repeats.isRepeat("01A", LEADS, 100_000, T0 + 100_000)).isTrue();
    }

    @Test
    void theSameIdUnderAnotherSubjectSuppressesNothing() {
        RepeatedEvents repeats = new RepeatedEvents(100, Duration.ofHours(24), 262_144);
        repeats.repeatAndRecord("01A", "ch.payments.user.7", 1, T0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 2, T0)).isFalse();
    }

    @Test
    void anIdIsForgottenOnceItsMessageLeftTheWindowOfMessages() {
        RepeatedEvents repeats = new RepeatedEvents(3, Duration.ofHours(24), 262_144);
        repeats.repeatAndRecord("01A", LEADS, 1, T0);
        repeats.repeatAndRecord("01B", LEADS, 2, T0);
        repeats.repeatAndRecord("01C", LEADS, 3, T0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 4, T0)).as("#1 is 3 messages before #4").isTrue();
        repeats.repeatAndRecord("01D", LEADS, 5, T0);
        repeats.repeatAndRecord("01E", LEADS, 6, T0);
        repeats.repeatAndRecord("01F", LEADS, 7, T0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 8, T0)).as("#4 is 4 messages before #8").isFalse();
        assertThat(repeats.remembered()).as("the last 3 messages' ids, no more").isEqualTo(3);
    }

    @Test
    void everyCopyCountsSoAThirdCopyRepeatsTheSecondAfterTheFirstLeftTheWindow() {
        RepeatedEvents repeats = new RepeatedEvents(3, Duration.ofHours(24), 262_144);
        repeats.repeatAndRecord("01A", LEADS, 1, T0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 3, T0)).isTrue();
        assertThat(repeats.repeatAndRecord("01A", LEADS, 5, T0)).as("#3 is within 3 of #5, #1 is not").isTrue();
    }

    @Test
    void aCopyStoredLongerThanTheWindowOfTimeAfterTheFirstIsNoRepeat() {
        RepeatedEvents repeats = new RepeatedEvents(100, Duration.ofMinutes(10), 262_144);
        repeats.repeatAndRecord("01A", LEADS, 1, T0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 2, T0 + Duration.ofMinutes(11).toMillis())).isFalse();
        assertThat(repeats.repeatAndRecord("01A", LEADS, 3, T0 + Duration.ofMinutes(12).toMillis())).isTrue();
    }

    @Test
    void aStreamThatStartedAgainLeavesNothingRemembered() {
        RepeatedEvents repeats = new RepeatedEvents(100, Duration.ofHours(24), 262_144);
        repeats.repeatAndRecord("01A", LEADS, 40, T0);
        repeats.clear(0);
        assertThat(repeats.repeatAndRecord("01A", LEADS, 1, T0)).isFalse();
        assertThat(repeats.seenThrough()).isEqualTo(1);
    }
}
