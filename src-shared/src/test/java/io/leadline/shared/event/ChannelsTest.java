package io.leadline.shared.event;

import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelsTest {

    @Test
    void anEventTravelsUnderItsOwnersTokenOnItsChannel() {
        assertThat(Channels.subjectOf(EventEnvelope.of(Channels.user("7"), new BalanceUpdated(1, 0, 1, "top_up", "r"))))
                .isEqualTo("ch.payments.user.7");
        assertThat(Channels.subjectOf(EventEnvelope.of(Channels.user("7"), new NotificationMessage("t", "m", "low", "a"))))
                .isEqualTo("ch.notify.user.7");
        assertThat(Channels.subjectOf(EventType.LEAD_CREATED, Channels.LEADS)).isEqualTo("ch.leads.leads");
        assertThat(Channels.subjectOf(EventType.METRICS_UPDATED, Channels.PAYMENTS_MONITOR))
                .isEqualTo("ch.payments.payments.monitor");
        assertThat(Channels.subjectsOf("escrow.4")).isEqualTo("ch.*.escrow.4");
        assertThat(Channels.subjectsOwnedBy(Owner.LEADS)).isEqualTo("ch.leads.>");
    }

    @Test
    void aSubjectNamesItsOwnerAndChannelOrNothing() {
        assertThat(Channels.channelOf("ch.payments.payments.monitor")).isEqualTo("payments.monitor");
        assertThat(Channels.ownerOf("ch.payments.payments.monitor")).isEqualTo(Owner.PAYMENTS);
        assertThat(Channels.channelOf("ch.notify.user.7")).isEqualTo("user.7");
        for (String subject : List.of("ch.user.7", "ch.leads", "ch.leads.", "ch.stranger.user.7", "svc.payments.debit",
                "leads.leads", "ch.")) {
            assertThat(Channels.channelOf(subject)).as(subject).isNull();
            assertThat(Channels.ownerOf(subject)).as(subject).isNull();
        }
        assertThat(Channels.channelOf(null)).isNull();
    }

    @Test
    void everyEventTypeHasAnOwner() {
        for (EventType type : EventType.values()) {
            assertThat(type.owner()).as(type.wireName()).isNotNull();
        }
    }
}
