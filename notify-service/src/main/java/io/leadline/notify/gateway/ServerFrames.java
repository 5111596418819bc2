package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.leadline.notify.session.ClientSession;
import io.leadline.shared.json.JsonCodec;

import java.util.List;

/** Control frames of the protocol (events are framed by {@link io.leadline.notify.routing.EventFrames}). */
final class ServerFrames {

    private ServerFrames() {
    }

    record Connected(String type, String userId, String connectionId, List<String> channels, long heartbeatS,
            long tokenExpiresAt, Boolean batch) {
    }

    record Subscribed(String type, String channel, long seq, boolean recovered, String id) {
    }

    record Joined(String type, String channel, long seq, boolean recovered, ArrayNode members, String id) {
    }

    record Unsubscribed(String type, String channel, String id) {
    }

    record Pong(String type, String id) {
    }

    record Refreshed(String type, long tokenExpiresAt, String id) {
    }

    record Error(String type, String code, String message, String ref) {
    }

    static String connected(ClientSession session, List<String> channels, long heartbeatSeconds) {
        return JsonCodec.encodeToString(new Connected("connected", session.userId(), session.id(), channels,
                heartbeatSeconds, session.tokenExpiresAt(), session.batched() ? Boolean.TRUE : null));
    }

    static String subscribed(String channel, long seq, boolean recovered, String id) {
        return JsonCodec.encodeToString(new Subscribed("subscribed", channel, seq, recovered, id));
    }

    /** The reply to a presence subscription: {@code subscribed} with the members at that moment. */
    static String joined(String channel, long seq, ArrayNode members, String id) {
        return JsonCodec.encodeToString(new Joined("subscribed", channel, seq, true, members, id));
    }

    static String unsubscribed(String channel, String id) {
        return JsonCodec.encodeToString(new Unsubscribed("unsubscribed", channel, id));
    }

    static String pong(String id) {
        return JsonCodec.encodeToString(new Pong("pong", id));
    }

    static String refreshed(long tokenExpiresAt, String id) {
        return JsonCodec.encodeToString(new Refreshed("refreshed", tokenExpiresAt, id));
    }

    static String error(String code, String message, String ref) {
        return JsonCodec.encodeToString(new Error("error", code, message, ref));
    }
}
