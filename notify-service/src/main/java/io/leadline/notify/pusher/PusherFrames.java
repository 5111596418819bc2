package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.shared.json.JsonCodec;

import java.util.regex.Pattern;

/**
 * Pusher Channels protocol 7 on the wire
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/): typed decoding of what a
 * client sends ({@link #parse(String)}, never throws) and the text of what the server sends.
 *
 * <p>Server messages follow Pusher: the {@code data} of connection, subscription, member and channel events is a
 * JSON <em>string</em> holding JSON text; {@code pusher:error}, {@code pusher:subscription_error},
 * {@code pusher:ping} and {@code pusher:pong} carry an object (pusher-js reads both).
 */
public final class PusherFrames {

    /** Pusher's channel name rule. */
    public static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_\\-=@,.;]{1,164}");
    /** Longest client event name. */
    public static final int MAX_EVENT_NAME = 200;
    public static final String CLIENT_EVENT_PREFIX = "client-";

    /** What {@link #parse(String)} answers: a {@link PusherFrame} or an {@link Invalid}. */
    public sealed interface Result permits PusherFrame, Invalid {
    }

    /**
     * A message the server refuses; {@code code} is a Pusher error code or null (Pusher answers a refused message
     * with {@code pusher:error} and code null, keeping the connection). Send {@link #error(Integer, String)}.
     */
    public record Invalid(Integer code, String message) implements Result {

        /** The {@code pusher:error} message for this refusal. */
        public String toError() {
            return error(code, message);
        }
    }

    private PusherFrames() {
    }

    /** True when {@code name} is a valid Pusher channel name. */
    public static boolean isValidChannel(String name) {
        return name != null && CHANNEL_NAME.matcher(name).matches();
    }

    // ---------------------------------------------------------------- client -> server

    /** Decodes one text message of a client; never throws. */
    public static Result parse(String text) {
        JsonNode message;
        try {
            message = JsonCodec.mapper().readTree(text);
        } catch (Exception | StackOverflowError e) {
            return new Invalid(null, "malformed JSON");
        }
        try {
            return decode(message);
        } catch (Exception | StackOverflowError e) {
            // not expected: every field is checked before it is read
            return new Invalid(null, "malformed message");
        }
    }

    private static Result decode(JsonNode message) throws JsonProcessingException {
        if (message == null || !message.isObject()) {
            return new Invalid(null, "a message is a JSON object");
        }
        JsonNode eventNode = message.get("event");
        if (eventNode == null || !eventNode.isTextual()) {
            return new Invalid(null, "missing field: event");
        }
        String event = eventNode.asText();
        switch (event) {
            case "pusher:ping":
                return new PusherFrame.Ping();
            case "pusher:pong":
                return new PusherFrame.Pong();
            case "pusher:subscribe":
                return subscribe(message.get("data"));
            case "pusher:unsubscribe":
                return unsubscribe(message.get("data"));
            default:
                break;
        }
        if (event.startsWith("pusher:") || event.startsWith("pusher_internal:")) {
            return new Invalid(null, "unsupported event: " + abbreviate(event));
        }
        if (!event.startsWith(CLIENT_EVENT_PREFIX)) {
            return new Invalid(null, "unsupported event: " + abbreviate(event) + "; client events start with "
                    + CLIENT_EVENT_PREFIX);
        }
        return clientEvent(event, message);
    }

    private static Result subscribe(JsonNode data) throws JsonProcessingException {
        data = object(data);
        if (data == null) {
            return new Invalid(null, "pusher:subscribe: data must be an object");
        }
        JsonNode channel = data.get("channel");
        if (channel == null || !channel.isTextual()) {
            return new Invalid(null, "pusher:subscribe: missing field: channel");
        }
        if (!isValidChannel(channel.asText())) {
            return invalidChannel("pusher:subscribe", channel.asText());
        }
        JsonNode auth = data.get("auth");
        if (auth != null && !auth.isNull() && !auth.isTextual()) {
            return new Invalid(null, "pusher:subscribe: auth must be a string");
        }
        JsonNode channelData = data.get("channel_data");
        String channelDataText;
        if (channelData == null || channelData.isNull()) {
            channelDataText = null;
        } else if (channelData.isTextual()) {
            channelDataText = channelData.asText();
        } else if (channelData.isObject()) {
            channelDataText = compact(channelData);
        } else {
            return new Invalid(null, "pusher:subscribe: channel_data must be a string");
        }
        return new PusherFrame.Subscribe(channel.asText(), auth == null || auth.isNull() ? null : auth.asText(),
                channelDataText);
    }

    private static Result unsubscribe(JsonNode data) {
        data = object(data);
        if (data == null) {
            return new Invalid(null, "pusher:unsubscribe: data must be an object");
        }
        JsonNode channel = data.get("channel");
        if (channel == null || !channel.isTextual()) {
            return new Invalid(null, "pusher:unsubscribe: missing field: channel");
        }
        if (!isValidChannel(channel.asText())) {
            return invalidChannel("pusher:unsubscribe", channel.asText());
        }
        return new PusherFrame.Unsubscribe(channel.asText());
    }

    private static Result clientEvent(String event, JsonNode message) throws JsonProcessingException {
        if (event.length() > MAX_EVENT_NAME) {
            return new Invalid(null, "event name longer than " + MAX_EVENT_NAME + " characters");
        }
        JsonNode channel = message.get("channel");
        if (channel == null || !channel.isTextual()) {
            return new Invalid(null, "client event: missing field: channel");
        }
        String name = channel.asText();
        if (!isValidChannel(name)) {
            return invalidChannel("client event", name);
        }
        if (!name.startsWith("private-") && !name.startsWith("presence-")) {
            return new Invalid(null, "Client event rejected - only supported on private and presence channels");
        }
        JsonNode data = message.get("data");
        return new PusherFrame.ClientEvent(event, name, data == null ? "null" : compact(data));
    }

    /** The data of a pusher:subscribe/unsubscribe: an object, or a string holding one (some clients send that). */
    private static JsonNode object(JsonNode data) {
        if (data != null && data.isTextual()) {
            try {
                data = JsonCodec.mapper().readTree(data.asText());
            } catch (Exception | StackOverflowError e) {
                return null;
            }
        }
        return data != null && data.isObject() ? data : null;
    }

    private static Invalid invalidChannel(String where, String channel) {
        return new Invalid(null, where + ": invalid channel name: " + abbreviate(channel));
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_EVENT_NAME ? text : text.substring(0, MAX_EVENT_NAME) + "…";
    }

    private static String compact(JsonNode node) throws JsonProcessingException {
        return JsonCodec.mapper().writeValueAsString(node);
    }

    // ---------------------------------------------------------------- server -> client

    /** {@code {"event":"pusher:error","data":{"code":4009,"message":"…"}}}; code may be null (written as null). */
    public static String error(Integer code, String message) {
        ObjectNode json = root("pusher:error", null);
        ObjectNode data = json.putObject("data");
        if (code == null) {
            data.putNull("code");
        } else {
            data.put("code", code);
        }
        data.put("message", message);
        return json.toString();
    }

    /**
     * {@code {"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}}.
     */
    public static String connectionEstablished(String socketId, long activityTimeoutSeconds) {
        ObjectNode data = JsonCodec.mapper().createObjectNode();
        data.put("socket_id", socketId).put("activity_timeout", activityTimeoutSeconds);
        return root("pusher:connection_established", null).put("data", data.toString()).toString();
    }

    /**
     * {@code pusher_internal:subscription_succeeded}; data {@code "{}"}, or for a presence channel
     * {@code "{\"presence\":<presenceJson>}"} where {@code presenceJson} is the JSON text of the presence object
     * {@code {"ids":[…],"hash":{…},"count":n}} (not wrapped in {@code presence}).
     */
    public static String subscriptionSucceeded(String channel, String presenceDataJsonOrNull) {
        String data = presenceDataJsonOrNull == null ? "{}" : "{\"presence\":" + presenceDataJsonOrNull + "}";
        return root("pusher_internal:subscription_succeeded", channel).put("data", data).toString();
    }

    /**
     * {@code {"event":"pusher:subscription_error","channel":…,"data":{"type":"AuthError","error":"…","status":401}}}.
     */
    public static String subscriptionError(String channel, String type, String error, int status) {
        ObjectNode json = root("pusher:subscription_error", channel);
        json.putObject("data").put("type", type).put("error", error).put("status", status);
        return json.toString();
    }

    /** {@code {"event":"pusher:pong","data":{}}}. */
    public static String pong() {
        return "{\"event\":\"pusher:pong\",\"data\":{}}";
    }

    /** {@code {"event":"pusher:ping","data":{}}}. */
    public static String ping() {
        return "{\"event\":\"pusher:ping\",\"data\":{}}";
    }

    /** A channel event; {@code data} is the JSON string of {@code dataJson} (JSON text, as in the envelope). */
    public static String event(String channel, String event, String dataJson) {
        return event(channel, event, dataJson, null);
    }

    /** A channel event with {@code user_id} (client events on presence channels carry the sender's id). */
    public static String event(String channel, String event, String dataJson, String userIdOrNull) {
        ObjectNode json = root(event, channel).put("data", dataJson);
        if (userIdOrNull != null) {
            json.put("user_id", userIdOrNull);
        }
        return json.toString();
    }

    /**
     * {@code pusher_internal:member_added}; data {@code "{\"user_id\":\"…\",\"user_info\":<userInfoJson>}"}
     * ({@code user_info} left out when {@code userInfoJson} is null).
     */
    public static String memberAdded(String channel, String userId, String userInfoJson) {
        StringBuilder data = new StringBuilder("{\"user_id\":").append(quote(userId));
        if (userInfoJson != null) {
            data.append(",\"user_info\":").append(userInfoJson);
        }
        data.append('}');
        return root("pusher_internal:member_added", channel).put("data", data.toString()).toString();
    }

    /** {@code pusher_internal:member_removed}; data {@code "{\"user_id\":\"…\"}"}. */
    public static String memberRemoved(String channel, String userId) {
        return root("pusher_internal:member_removed", channel)
                .put("data", "{\"user_id\":" + quote(userId) + "}").toString();
    }

    private static ObjectNode root(String event, String channel) {
        ObjectNode json = JsonCodec.mapper().createObjectNode().put("event", event);
        if (channel != null) {
            json.put("channel", channel);
        }
        return json;
    }

    private static String quote(String text) {
        return JsonCodec.mapper().getNodeFactory().textNode(text).toString();
    }
}
