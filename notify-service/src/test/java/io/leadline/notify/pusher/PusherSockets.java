package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.json.JsonCodec;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Protocol 7 spoken by hand over a plain WebSocket, as pusher-js would, with auth strings signed here with
 * the test app's secret, independently of the server's code.
 */
final class PusherSockets {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String KEY = "leadline-key";
    static final String SECRET = "leadline-dev-secret";

    private PusherSockets() {
    }

    /** The data of {@code pusher:connection_established}: {@code socket_id}, {@code activity_timeout}. */
    static JsonNode established(WsTestClient socket) throws Exception {
        JsonNode frame = socket.await(f -> "pusher:connection_established".equals(f.path("event").asText()), WAIT);
        return JsonCodec.mapper().readTree(frame.path("data").asText());
    }

    static void subscribe(WsTestClient socket, String channel, String auth, String channelData) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("channel", channel);
        data.put("auth", auth);
        if (channelData != null) {
            data.put("channel_data", channelData);
        }
        socket.send(Map.of("event", "pusher:subscribe", "data", data));
    }

    /** Waits for the connection, subscribes a private channel with a good signature, waits for success. */
    static void subscribePrivate(WsTestClient socket, String channel) throws Exception {
        String socketId = established(socket).path("socket_id").asText();
        subscribe(socket, channel, sign(socketId + ":" + channel), null);
        awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);
    }

    /** Waits for the connection and joins a presence channel as {@code user}; the subscription_succeeded frame. */
    static JsonNode join(WsTestClient socket, String channel, String user) throws Exception {
        String socketId = established(socket).path("socket_id").asText();
        String channelData = "{\"user_id\":\"" + user + "\",\"user_info\":{\"name\":\"user " + user + "\"}}";
        subscribe(socket, channel, sign(socketId + ":" + channel + ":" + channelData), channelData);
        return awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);
    }

    static JsonNode awaitEvent(WsTestClient socket, String event, String channel) {
        return socket.await(frame -> event.equals(frame.path("event").asText())
                && channel.equals(frame.path("channel").asText()), WAIT);
    }

    /** {@code key:hex(HMAC-SHA256(secret, text))}, the auth string of a channel subscription. */
    static String sign(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return KEY + ":" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
