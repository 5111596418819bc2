package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.notify.MalformedInput;
import io.leadline.notify.pusher.PusherFrame.ClientEvent;
import io.leadline.notify.pusher.PusherFrame.Ping;
import io.leadline.notify.pusher.PusherFrame.Pong;
import io.leadline.notify.pusher.PusherFrame.Subscribe;
import io.leadline.notify.pusher.PusherFrame.Unsubscribe;
import io.leadline.notify.pusher.PusherFrames.Invalid;
import io.leadline.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PusherFramesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Field names random JSON objects use, so that the codec meets its own fields with wrong values. */
    private static final String[] FIELDS = {"event", "channel", "data", "auth", "channel_data", "x"};

    private static JsonNode json(String text) throws Exception {
        return JsonCodec.mapper().readTree(text);
    }

    private static Invalid invalid(String message) {
        return new Invalid(null, message);
    }

    // ------------------------------------------------------------------ client -> server

    @Test
    void subscribe() {
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"news\"}}"))
                .isEqualTo(new Subscribe("news", null, null));
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-leads\","
                + "\"auth\":\"key:abc\"}}")).isEqualTo(new Subscribe("private-leads", "key:abc", null));
        // pusher-js: data an object, channel_data a JSON string kept exactly as sent (the signature covers it)
        String channelData = "{\"user_id\":\"7\", \"user_info\":{\"name\":\"A\"}}";
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-lead.3\","
                + "\"auth\":\"key:abc\",\"channel_data\":" + NODES.textNode(channelData) + "}}"))
                .isEqualTo(new Subscribe("presence-lead.3", "key:abc", channelData));
        // channel_data as an object: compact JSON text
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-lead.3\","
                + "\"auth\":null,\"channel_data\":{\"user_id\": \"7\"}}}"))
                .isEqualTo(new Subscribe("presence-lead.3", null, "{\"user_id\":\"7\"}"));
        // data as a string holding the object
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":\"{\\\"channel\\\":\\\"news\\\"}\"}"))
                .isEqualTo(new Subscribe("news", null, null));
    }

    @Test
    void unsubscribePingPong() {
        assertThat(PusherFrames.parse("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"private-leads\"}}"))
                .isEqualTo(new Unsubscribe("private-leads"));
        assertThat(PusherFrames.parse("{\"event\":\"pusher:ping\",\"data\":{}}")).isEqualTo(new Ping());
        assertThat(PusherFrames.parse("{\"event\":\"pusher:ping\"}")).isEqualTo(new Ping());
        assertThat(PusherFrames.parse("{\"event\":\"pusher:pong\",\"data\":{}}")).isEqualTo(new Pong());
        assertThat(PusherFrames.parse("{\"event\":\"pusher:pong\"}")).isEqualTo(new Pong());
    }

    @Test
    void clientEvents() {
        assertThat(PusherFrames.parse("{\"event\":\"client-typing\",\"channel\":\"private-escrow.4\","
                + "\"data\":{ \"who\" : \"me\", \"n\":[1, 2] }}"))
                .isEqualTo(new ClientEvent("client-typing", "private-escrow.4", "{\"who\":\"me\",\"n\":[1,2]}"));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"presence-lead.1\",\"data\":\"hi\"}"))
                .isEqualTo(new ClientEvent("client-x", "presence-lead.1", "\"hi\""));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"presence-lead.1\",\"data\":\"123\"}"))
                .isEqualTo(new ClientEvent("client-x", "presence-lead.1", "\"123\""));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":12.5}"))
                .isEqualTo(new ClientEvent("client-x", "private-a", "12.5"));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a\"}"))
                .isEqualTo(new ClientEvent("client-x", "private-a", "null"));
        String longest = "client-" + "e".repeat(193);
        assertThat(PusherFrames.parse("{\"event\":\"" + longest + "\",\"channel\":\"private-a\",\"data\":{}}"))
                .isEqualTo(new ClientEvent(longest, "private-a", "{}"));
    }

    @Test
    void channelNames() {
        assertThat(PusherFrames.isValidChannel("private-user.7")).isTrue();
        assertThat(PusherFrames.isValidChannel("a_-=@,.;Z9")).isTrue();
        assertThat(PusherFrames.isValidChannel("c".repeat(164))).isTrue();
        assertThat(PusherFrames.isValidChannel("c".repeat(165))).isFalse();
        assertThat(PusherFrames.isValidChannel("")).isFalse();
        assertThat(PusherFrames.isValidChannel(null)).isFalse();
        for (String bad : List.of("a b", "a/b", "a:b", "é", "a\nb", "a#b", "a*")) {
            assertThat(PusherFrames.isValidChannel(bad)).as(bad).isFalse();
            assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":"
                    + NODES.textNode(bad) + "}}")).as(bad)
                    .isEqualTo(invalid("pusher:subscribe: invalid channel name: " + bad));
        }
        assertThat(PusherFrames.parse("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"a b\"}}"))
                .isEqualTo(invalid("pusher:unsubscribe: invalid channel name: a b"));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a b\"}"))
                .isEqualTo(invalid("client event: invalid channel name: private-a b"));
    }

    @Test
    void errors() {
        assertThat(PusherFrames.parse("{")).isEqualTo(invalid("malformed JSON"));
        assertThat(PusherFrames.parse(null)).isEqualTo(invalid("malformed JSON"));
        for (String text : List.of("", "[]", "1", "\"x\"", "null")) {
            assertThat(PusherFrames.parse(text)).as(text).isEqualTo(invalid("a message is a JSON object"));
        }
        for (String text : List.of("{}", "{\"event\":null}", "{\"event\":1}", "{\"event\":{}}")) {
            assertThat(PusherFrames.parse(text)).as(text).isEqualTo(invalid("missing field: event"));
        }
        for (String data : List.of("", ",\"data\":null", ",\"data\":[]", ",\"data\":1", ",\"data\":\"nope\"",
                ",\"data\":\"[1]\"")) {
            assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\"" + data + "}")).as(data)
                    .isEqualTo(invalid("pusher:subscribe: data must be an object"));
            assertThat(PusherFrames.parse("{\"event\":\"pusher:unsubscribe\"" + data + "}")).as(data)
                    .isEqualTo(invalid("pusher:unsubscribe: data must be an object"));
        }
        for (String channel : List.of("", "\"channel\":null", "\"channel\":1", "\"channel\":[\"a\"]")) {
            assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{" + channel + "}}"))
                    .as(channel).isEqualTo(invalid("pusher:subscribe: missing field: channel"));
            assertThat(PusherFrames.parse("{\"event\":\"pusher:unsubscribe\",\"data\":{" + channel + "}}"))
                    .as(channel).isEqualTo(invalid("pusher:unsubscribe: missing field: channel"));
        }
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"a\",\"auth\":1}}"))
                .isEqualTo(invalid("pusher:subscribe: auth must be a string"));
        for (String channelData : List.of("1", "[]", "true")) {
            assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"a\","
                    + "\"channel_data\":" + channelData + "}}")).as(channelData)
                    .isEqualTo(invalid("pusher:subscribe: channel_data must be a string"));
        }
        assertThat(PusherFrames.parse("{\"event\":\"pusher:signin\",\"data\":{}}"))
                .isEqualTo(invalid("unsupported event: pusher:signin"));
        assertThat(PusherFrames.parse("{\"event\":\"pusher_internal:member_added\"}"))
                .isEqualTo(invalid("unsupported event: pusher_internal:member_added"));
        assertThat(PusherFrames.parse("{\"event\":\"my-event\",\"channel\":\"private-a\",\"data\":{}}"))
                .isEqualTo(invalid("unsupported event: my-event; client events start with client-"));
        assertThat(PusherFrames.parse("{\"event\":\"client-" + "e".repeat(194) + "\",\"channel\":\"private-a\"}"))
                .isEqualTo(invalid("event name longer than 200 characters"));
        for (String channel : List.of("", ",\"channel\":null", ",\"channel\":3")) {
            assertThat(PusherFrames.parse("{\"event\":\"client-x\"" + channel + "}")).as(channel)
                    .isEqualTo(invalid("client event: missing field: channel"));
        }
        for (String channel : List.of("news", "private", "presence", "privatea")) {
            assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"" + channel + "\",\"data\":{}}"))
                    .as(channel)
                    .isEqualTo(invalid("Client event rejected - only supported on private and presence channels"));
        }
        String longName = "x".repeat(100_000);
        Invalid longOne = (Invalid) PusherFrames.parse("{\"event\":\"" + longName + "\"}");
        assertThat(longOne.message()).hasSizeLessThan(300);
    }

    @Test
    void deepNestingAndHugeInput() {
        assertThat(PusherFrames.parse("[".repeat(100_000))).isEqualTo(invalid("malformed JSON"));
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":"
                + "[".repeat(5000) + "]".repeat(5000) + "}")).isEqualTo(invalid("malformed JSON"));
        String deepData = "[".repeat(900) + "]".repeat(900);
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":" + deepData + "}"))
                .isEqualTo(new ClientEvent("client-x", "private-a", deepData));
        String inner = "{\"channel\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(PusherFrames.parse("{\"event\":\"pusher:subscribe\",\"data\":" + NODES.textNode(inner) + "}"))
                .isEqualTo(invalid("pusher:subscribe: data must be an object"));
        String big = "z".repeat(2_000_000);
        assertThat(PusherFrames.parse("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":\"" + big + "\"}"))
                .isEqualTo(new ClientEvent("client-x", "private-a", "\"" + big + "\""));
    }

    // ------------------------------------------------------------------ server -> client

    @Test
    void errorMessage() throws Exception {
        assertThat(json(PusherFrames.error(4009, "Connection is unauthorized")))
                .isEqualTo(json("{\"event\":\"pusher:error\","
                        + "\"data\":{\"code\":4009,\"message\":\"Connection is unauthorized\"}}"));
        assertThat(PusherFrames.error(null, "say \"no\""))
                .isEqualTo("{\"event\":\"pusher:error\",\"data\":{\"code\":null,\"message\":\"say \\\"no\\\"\"}}");
        assertThat(new Invalid(null, "x").toError()).isEqualTo(PusherFrames.error(null, "x"));
    }

    @Test
    void connectionEstablished() throws Exception {
        JsonNode message = json(PusherFrames.connectionEstablished("123.456", 120));
        assertThat(message.get("event").asText()).isEqualTo("pusher:connection_established");
        assertThat(message.get("data").isTextual()).isTrue();
        assertThat(message.get("data").asText()).isEqualTo("{\"socket_id\":\"123.456\",\"activity_timeout\":120}");
        assertThat(message.has("channel")).isFalse();
    }

    @Test
    void subscriptionMessages() throws Exception {
        JsonNode ok = json(PusherFrames.subscriptionSucceeded("private-leads", null));
        assertThat(ok).isEqualTo(json("{\"event\":\"pusher_internal:subscription_succeeded\","
                + "\"channel\":\"private-leads\",\"data\":\"{}\"}"));
        String presence = "{\"ids\":[\"7\"],\"hash\":{\"7\":{\"name\":\"A\"}},\"count\":1}";
        JsonNode withPresence = json(PusherFrames.subscriptionSucceeded("presence-lead.3", presence));
        assertThat(withPresence.get("channel").asText()).isEqualTo("presence-lead.3");
        assertThat(json(withPresence.get("data").asText())).isEqualTo(json("{\"presence\":" + presence + "}"));

        assertThat(json(PusherFrames.subscriptionError("private-leads", "AuthError", "bad \"sig\"", 401)))
                .isEqualTo(json("{\"event\":\"pusher:subscription_error\",\"channel\":\"private-leads\","
                        + "\"data\":{\"type\":\"AuthError\",\"error\":\"bad \\\"sig\\\"\",\"status\":401}}"));
    }

    @Test
    void pingPong() throws Exception {
        assertThat(json(PusherFrames.ping())).isEqualTo(json("{\"event\":\"pusher:ping\",\"data\":{}}"));
        assertThat(json(PusherFrames.pong())).isEqualTo(json("{\"event\":\"pusher:pong\",\"data\":{}}"));
        assertThat(PusherFrames.parse(PusherFrames.ping())).isEqualTo(new Ping());
        assertThat(PusherFrames.parse(PusherFrames.pong())).isEqualTo(new Pong());
    }

    @Test
    void events() throws Exception {
        JsonNode event = json(PusherFrames.event("private-leads", "lead_created", "{\"lead_id\":\"17\"}"));
        assertThat(event.get("event").asText()).isEqualTo("lead_created");
        assertThat(event.get("channel").asText()).isEqualTo("private-leads");
        assertThat(event.get("data").asText()).isEqualTo("{\"lead_id\":\"17\"}");
        assertThat(event.has("user_id")).isFalse();
        // a string stays a string for pusher-js (which JSON.parses a string data)
        JsonNode text = json(PusherFrames.event("news", "x", "\"123\""));
        assertThat(json(text.get("data").asText()).isTextual()).isTrue();
        JsonNode fromUser = json(PusherFrames.event("presence-lead.1", "client-x", "{}", "7"));
        assertThat(fromUser.get("user_id").asText()).isEqualTo("7");

        JsonNode added = json(PusherFrames.memberAdded("presence-lead.1", "7", "{\"name\":\"A\\\"\"}"));
        assertThat(added.get("event").asText()).isEqualTo("pusher_internal:member_added");
        assertThat(json(added.get("data").asText()))
                .isEqualTo(json("{\"user_id\":\"7\",\"user_info\":{\"name\":\"A\\\"\"}}"));
        JsonNode addedBare = json(PusherFrames.memberAdded("presence-lead.1", "a\"b", null));
        assertThat(json(addedBare.get("data").asText())).isEqualTo(json("{\"user_id\":\"a\\\"b\"}"));
        JsonNode removed = json(PusherFrames.memberRemoved("presence-lead.1", "7"));
        assertThat(removed).isEqualTo(json("{\"event\":\"pusher_internal:member_removed\","
                + "\"channel\":\"presence-lead.1\",\"data\":\"{\\\"user_id\\\":\\\"7\\\"}\"}"));
    }

    // ------------------------------------------------------------------ generated input

    @Test
    void generatedFramesRoundTrip() throws Exception {
        Random random = new Random(7_2026L);
        for (int i = 0; i < 5_000; i++) {
            PusherFrame frame = randomFrame(random);
            String text = encode(frame, random);
            assertThat(PusherFrames.parse(text)).as(text).isEqualTo(frame);
        }
    }

    @Test
    void generatedGarbageIsAlwaysAnswered() throws Exception {
        Random random = new Random(4_200L);
        List<String> valid = List.of(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-lead.3\",\"auth\":\"k:s\","
                        + "\"channel_data\":\"{\\\"user_id\\\":\\\"7\\\"}\"}}",
                "{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"private-leads\"}}",
                "{\"event\":\"pusher:ping\",\"data\":{}}",
                "{\"event\":\"client-typing\",\"channel\":\"private-escrow.4\",\"data\":{\"a\":[1,\"b\"]}}");
        int frames = 0;
        int errors = 0;
        for (int i = 0; i < 12_000; i++) {
            String text = switch (i % 6) {
                case 0 -> MalformedInput.randomBytes(random);
                case 1 -> {
                    String source = random.nextBoolean() ? valid.get(random.nextInt(valid.size()))
                            : encode(randomFrame(random), random);
                    yield source.substring(0, random.nextInt(source.length() + 1));
                }
                case 2 -> wrongTypes(random).toString();
                case 3 -> MalformedInput.randomJson(random, 0, FIELDS).toString();
                case 4 -> MalformedInput.mutate(random, valid.get(random.nextInt(valid.size())));
                default -> nested(random);
            };
            PusherFrames.Result result = PusherFrames.parse(text);
            assertThat(result).as(text).isNotNull();
            if (result instanceof Invalid invalid) {
                errors++;
                assertThat(invalid.message()).isNotBlank();
                assertThat(invalid.toError()).startsWith("{\"event\":\"pusher:error\"");
            } else {
                frames++;
                assertThat(result).isInstanceOf(PusherFrame.class);
                assertThat(PusherFrames.parse(encode((PusherFrame) result, random))).isEqualTo(result);
            }
        }
        assertThat(frames).isPositive();
        assertThat(errors).isPositive();
    }

    private static final String CHANNEL_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=@,.;";

    private static String randomChannel(Random random, String prefix) {
        int length = 1 + random.nextInt(164 - prefix.length());
        StringBuilder name = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            name.append(CHANNEL_CHARS.charAt(random.nextInt(CHANNEL_CHARS.length())));
        }
        return name.toString();
    }

    /** {@code client-} and up to 193 printable ASCII characters (quotes and backslashes included). */
    private static String randomClientEventName(Random random) {
        StringBuilder name = new StringBuilder("client-");
        for (int i = random.nextInt(194); i > 0; i--) {
            name.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return name.toString();
    }

    private static PusherFrame randomFrame(Random random) throws Exception {
        String[] prefixes = {"", "private-", "presence-"};
        return switch (random.nextInt(5)) {
            case 0 -> new Subscribe(randomChannel(random, prefixes[random.nextInt(3)]),
                    random.nextBoolean() ? null : MalformedInput.randomText(random, 80),
                    random.nextBoolean() ? null : MalformedInput.randomText(random, 120));
            case 1 -> new Unsubscribe(randomChannel(random, prefixes[random.nextInt(3)]));
            case 2 -> new Ping();
            case 3 -> new Pong();
            default -> new ClientEvent(randomClientEventName(random),
                    randomChannel(random, random.nextBoolean() ? "private-" : "presence-"),
                    JsonCodec.mapper().writeValueAsString(MalformedInput.randomJson(random, 0, FIELDS)));
        };
    }

    /** The message of a frame as a client may send it (pusher-js shape, sometimes with data as a string). */
    private static String encode(PusherFrame frame, Random random) {
        ObjectNode message = NODES.objectNode();
        if (frame instanceof Subscribe s) {
            ObjectNode data = NODES.objectNode().put("channel", s.channel());
            if (s.auth() != null) {
                data.put("auth", s.auth());
            }
            if (s.channelData() != null) {
                data.put("channel_data", s.channelData());
            }
            message.put("event", "pusher:subscribe");
            if (random.nextInt(4) == 0) {
                message.put("data", data.toString());
            } else {
                message.set("data", data);
            }
        } else if (frame instanceof Unsubscribe u) {
            message.put("event", "pusher:unsubscribe").putObject("data").put("channel", u.channel());
        } else if (frame instanceof Ping) {
            return random.nextBoolean() ? PusherFrames.ping() : "{\"event\":\"pusher:ping\"}";
        } else if (frame instanceof Pong) {
            return PusherFrames.pong();
        } else {
            ClientEvent e = (ClientEvent) frame;
            return "{\"event\":" + NODES.textNode(e.event()) + ",\"channel\":" + NODES.textNode(e.channel())
                    + ",\"data\":" + e.dataJson() + "}";
        }
        return message.toString();
    }

    private static ObjectNode wrongTypes(Random random) {
        ObjectNode message = NODES.objectNode();
        String[] events = {"pusher:subscribe", "pusher:unsubscribe", "pusher:ping", "pusher:pong", "client-x",
                "pusher:other", "other"};
        message.set("event", random.nextInt(5) == 0 ? MalformedInput.randomJson(random, 2, FIELDS)
                : NODES.textNode(events[random.nextInt(events.length)]));
        if (random.nextBoolean()) {
            ObjectNode data = NODES.objectNode();
            for (String field : List.of("channel", "auth", "channel_data")) {
                if (random.nextInt(3) != 0) {
                    data.set(field, random.nextBoolean() ? MalformedInput.randomJson(random, 2, FIELDS)
                            : NODES.textNode(randomChannel(random, random.nextBoolean() ? "private-" : "")));
                }
            }
            message.set("data", data);
        } else if (random.nextBoolean()) {
            message.set("data", MalformedInput.randomJson(random, 1, FIELDS));
        }
        if (random.nextBoolean()) {
            message.set("channel", random.nextBoolean() ? MalformedInput.randomJson(random, 2, FIELDS)
                    : NODES.textNode(randomChannel(random, random.nextBoolean() ? "private-" : "")));
        }
        return message;
    }

    private static String nested(Random random) {
        int depth = random.nextInt(3000);
        return switch (random.nextInt(4)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":"
                    + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
            case 2 -> "{\"event\":\"pusher:subscribe\",\"data\":"
                    + NODES.textNode("{\"channel\":" + "[".repeat(depth) + "]".repeat(depth) + "}") + "}";
            default -> "{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":\""
                    + "y".repeat(random.nextInt(70_000)) + "\"}";
        };
    }
}
