package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.shared.json.JsonCodec;

/**
 * Typed decoding of the text frames a client sends on {@code /ws}. {@link #parse(String)} never throws: it answers
 * either a {@link ClientFrame} or a {@link FrameError} carrying the code, message and {@code ref} of the
 * {@code error} frame to send back. Only the shape of a frame is checked here; whether the channel exists or may
 * be seen is the socket's decision.
 */
public final class ClientFrames {

    /** What {@link #parse(String)} answers: a {@link ClientFrame} or a {@link FrameError}. */
    public sealed interface Result permits ClientFrame, FrameError {
    }

    /**
     * A frame the server refuses: the {@code code} and {@code message} of the {@code error} reply, and its
     * {@code ref} (the frame's {@code id}, null when the frame had none or could not be read that far).
     */
    public record FrameError(String code, String message, String ref) implements Result {
    }

    private ClientFrames() {
    }

    /** Decodes one text frame; never throws. */
    public static Result parse(String text) {
        JsonNode frame;
        try {
            frame = JsonCodec.mapper().readTree(text);
        } catch (Exception | StackOverflowError e) {
            return new FrameError(ErrorCodes.BAD_REQUEST, "malformed JSON", null);
        }
        try {
            return decode(frame);
        } catch (Exception | StackOverflowError e) {
            // not expected: every field is checked before it is read
            return new FrameError(ErrorCodes.BAD_REQUEST, "malformed frame", null);
        }
    }

    private static Result decode(JsonNode frame) {
        if (frame == null || !frame.isObject()) {
            return new FrameError(ErrorCodes.BAD_REQUEST, "a frame is a JSON object", null);
        }
        String id = frame.hasNonNull("id") ? frame.get("id").asText() : null;
        JsonNode type = frame.get("type");
        if (type == null || !type.isTextual()) {
            return new FrameError(ErrorCodes.BAD_REQUEST, "missing field: type", id);
        }
        return switch (type.asText()) {
            case "subscribe" -> subscribe(frame, id);
            case "unsubscribe" -> {
                JsonNode channel = frame.get("channel");
                yield channel == null || !channel.isTextual()
                        ? new FrameError(ErrorCodes.BAD_REQUEST, "missing field: channel", id)
                        : new ClientFrame.Unsubscribe(id, channel.asText());
            }
            case "ping" -> new ClientFrame.Ping(id);
            case "refresh" -> {
                JsonNode token = frame.get("token");
                yield token == null || !token.isTextual()
                        ? new FrameError(ErrorCodes.BAD_REQUEST, "missing field: token", id)
                        : new ClientFrame.Refresh(id, token.asText());
            }
            default -> new FrameError(ErrorCodes.UNKNOWN_TYPE, "unknown frame type: " + type.asText(), id);
        };
    }

    private static Result subscribe(JsonNode frame, String id) {
        JsonNode channelNode = frame.get("channel");
        if (channelNode == null || !channelNode.isTextual()) {
            return new FrameError(ErrorCodes.BAD_REQUEST, "missing field: channel", id);
        }
        String channel = channelNode.asText();
        JsonNode sinceNode = frame.get("since");
        if (sinceNode != null && !sinceNode.isNull() && !(sinceNode.canConvertToLong() && sinceNode.isIntegralNumber()
                && sinceNode.asLong() >= 0)) {
            return new FrameError(ErrorCodes.BAD_REQUEST, "since must be a non-negative integer", id);
        }
        Long since = sinceNode == null || sinceNode.isNull() ? null : sinceNode.asLong();
        try {
            return new ClientFrame.Subscribe(id, channel, since, MonitorFilter.kinds(channel, frame.get("filter")));
        } catch (IllegalArgumentException invalid) {
            return new FrameError(ErrorCodes.BAD_REQUEST, invalid.getMessage(), id);
        }
    }

    /**
     * The JSON text of a frame as a client sends it ({@code id}, {@code since} and {@code filter} only when set);
     * {@code parse(encode(frame))} answers an equal frame.
     */
    public static String encode(ClientFrame frame) {
        ObjectNode json = JsonCodec.mapper().createObjectNode();
        if (frame instanceof ClientFrame.Subscribe s) {
            json.put("type", "subscribe").put("channel", s.channel());
            if (s.since() != null) {
                json.put("since", s.since());
            }
            if (s.kinds() != null) {
                ArrayNode kinds = json.putObject("filter").putArray("kinds");
                s.kinds().forEach(kinds::add);
            }
        } else if (frame instanceof ClientFrame.Unsubscribe u) {
            json.put("type", "unsubscribe").put("channel", u.channel());
        } else if (frame instanceof ClientFrame.Refresh r) {
            json.put("type", "refresh").put("token", r.token());
        } else {
            json.put("type", "ping");
        }
        if (frame.id() != null) {
            json.put("id", frame.id());
        }
        return json.toString();
    }
}
