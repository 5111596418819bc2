package io.leadline.notify.pusher;

import io.leadline.notify.pusher.PusherChannels.Channel;
import io.leadline.notify.pusher.PusherChannels.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PusherChannelsTest {

    @Test
    void privateLeadlineChannelsMapToTheLeadlineChannel() {
        for (String leadline : new String[] {"user.7", "leads", "escrow.e-1", "payments.monitor"}) {
            Channel channel = PusherChannels.classify("private-" + leadline);
            assertThat(channel.kind()).as(leadline).isEqualTo(Kind.PRIVATE_LEADLINE);
            assertThat(channel.leadlineChannel()).isEqualTo(leadline);
            assertThat(channel.authorizationChannel()).isEqualTo(leadline);
            assertThat(channel.busChannel()).isEqualTo(leadline);
            assertThat(channel.subject()).isEqualTo("ch.notify." + leadline);
            assertThat(channel.kind().needsAuth()).isTrue();
        }
    }

    @Test
    void propertyManagerChannelsAreTheUsersOwn() {
        Channel channel = PusherChannels.classify("private-property-manager.42");
        assertThat(channel.kind()).isEqualTo(Kind.PROPERTY_MANAGER);
        assertThat(channel.userId()).isEqualTo("42");
        assertThat(channel.authorizationChannel()).isEqualTo("user.42");
        assertThat(channel.busChannel()).isEqualTo("private-property-manager.42");
        assertThat(channel.subject()).isEqualTo("ch.notify.private-property-manager.42");
        assertThat(PusherChannels.classify("private-property-manager.4.2").kind()).isEqualTo(Kind.PRIVATE_OTHER);
    }

    @Test
    void leadPresence() {
        Channel channel = PusherChannels.classify("presence-lead.9");
        assertThat(channel.kind()).isEqualTo(Kind.PRESENCE_LEAD);
        assertThat(channel.leadId()).isEqualTo("9");
        assertThat(channel.presenceKey()).isEqualTo("lead.9");
        assertThat(channel.authorizationChannel()).isEqualTo("lead.9");
        assertThat(channel.subject()).isEqualTo("ch.notify.presence-lead.9");
        assertThat(channel.kind().isPresence()).isTrue();
    }

    @Test
    void unknownPrivateAndPresenceChannelsAreNeverAuthorizedButTheApplicationMayPublishToThem() {
        for (String name : new String[] {"private-foo", "private-user.7.8", "private-lead.9",
                "private-escrow.a@b"}) {
            Channel channel = PusherChannels.classify(name);
            assertThat(channel.kind()).as(name).isEqualTo(Kind.PRIVATE_OTHER);
            assertThat(channel.authorizationChannel()).isNull();
            assertThat(channel.subject()).isEqualTo("ch.notify." + name);
        }
        for (String name : new String[] {"presence-foo", "presence-leads", "presence-lead.9.1"}) {
            assertThat(PusherChannels.classify(name).kind()).as(name).isEqualTo(Kind.PRESENCE_OTHER);
            assertThat(PusherChannels.classify(name).subject()).isEqualTo("ch.notify." + name);
        }
    }

    @Test
    void publicChannels() {
        for (String name : new String[] {"news", "my-channel", "a_b=c@d,e.f;g", "x".repeat(164), "leadership"}) {
            Channel channel = PusherChannels.classify(name);
            assertThat(channel.kind()).as(name).isEqualTo(Kind.PUBLIC);
            assertThat(channel.kind().needsAuth()).isFalse();
            assertThat(channel.busChannel()).isEqualTo(name);
            assertThat(channel.subject()).isEqualTo("ch.notify." + name);
        }
    }

    @Test
    void invalidNames() {
        for (String name : new String[] {null, "", "x".repeat(165), "with space", "star*", "gt>", "a..b", ".a", "a.",
                "ümlaut", "new\nline", "private-user.", "presence-lead.",
                // public names that would share the subject of a protected channel
                "leads", "user.7", "escrow.1", "payments.monitor", "lead.9"}) {
            assertThat(PusherChannels.classify(name).kind()).as(String.valueOf(name)).isEqualTo(Kind.INVALID);
            assertThat(PusherChannels.classify(name).subject()).isNull();
        }
        assertThat(PusherChannels.isValidName("private-" + "x".repeat(156))).isTrue();
        assertThat(PusherChannels.isValidName("private-" + "x".repeat(157))).isFalse();
    }
}
