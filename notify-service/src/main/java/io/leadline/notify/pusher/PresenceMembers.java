package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.notify.presence.Member;
import io.leadline.shared.json.JsonCodec;

import java.util.Collection;

/** Presence members as the Pusher protocol writes them. */
final class PresenceMembers {

    private PresenceMembers() {
    }

    /** The presence key of a presence channel: {@code lead.{id}} (shared with {@code /ws}) or the name itself. */
    static String keyOf(PusherChannels.Channel channel) {
        return channel.presenceKey() != null ? channel.presenceKey() : channel.name();
    }

    /** The Pusher channel of a presence key. */
    static String channelOf(String presenceKey) {
        return presenceKey.startsWith(PusherChannels.LEAD_PREFIX)
                ? PusherChannels.PRESENCE_LEAD_PREFIX + presenceKey.substring(PusherChannels.LEAD_PREFIX.length())
                : presenceKey;
    }

    /**
     * The member a signed {@code channel_data} names ({@code {"user_id":…,"user_info":{…}}}), or null
     * when it names none. The signature covers the text, so it is what the auth endpoint wrote.
     */
    static Member fromChannelData(String channelData) {
        if (channelData == null) {
            return null;
        }
        try {
            JsonNode data = JsonCodec.mapper().readTree(channelData);
            JsonNode userId = data == null ? null : data.get("user_id");
            if (userId == null || !(userId.isTextual() || userId.isIntegralNumber()) || userId.asText().isEmpty()) {
                return null;
            }
            JsonNode info = data.get("user_info");
            return new Member(userId.asText(), info == null || info.isNull() ? "{}" : info.toString());
        } catch (Exception e) {
            return null;
        }
    }

    /** The {@code presence} object of {@code pusher_internal:subscription_succeeded} on a presence channel. */
    static String subscriptionData(Collection<Member> members) {
        ObjectNode presence = JsonCodec.mapper().createObjectNode();
        var ids = presence.putArray("ids");
        ObjectNode hash = presence.putObject("hash");
        for (Member member : members) {
            ids.add(member.userId());
            hash.set(member.userId(), info(member));
        }
        presence.put("count", members.size());
        return presence.toString();
    }

    static JsonNode info(Member member) {
        try {
            return JsonCodec.mapper().readTree(member.userInfoJson());
        } catch (Exception e) {
            return JsonCodec.mapper().createObjectNode();
        }
    }
}
