package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.notify.MalformedInput;
import io.leadline.notify.gateway.ClientFrame.Ping;
import io.leadline.notify.gateway.ClientFrame.Refresh;
import io.leadline.notify.gateway.ClientFrame.Subscribe;
import io.leadline.notify.gateway.ClientFrame.Unsubscribe;
import io.leadline.notify.gateway.ClientFrames.FrameError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClientFramesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Field names random JSON objects use, so that the codec meets its own fields with wrong values. */
    private static final String[] FIELDS = {"type", "id", "channel", "since", "token", "filter", "kinds", "x"};

    private static FrameError error(String code, String message, String ref) {
        return new FrameError(code, message, ref);
    }

    private static FrameError badRequest(String message, String ref) {
        return error(ErrorCodes.BAD_REQUEST, message, ref);
    }

    // ------------------------------------------------------------------ frames

    @Test
    void subscribe() {
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\"}"))
                .isEqualTo(new Subscribe(null, "leads", null, null));
        assertThat(ClientFrames.parse(
                "{\"type\":\"subscribe\",\"channel\":\"escrow.42\",\"since\":1030,\"id\":\"s1\"}"))
                .isEqualTo(new Subscribe("s1", "escrow.42", 1030L, null));
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\",\"since\":null,\"filter\":null}"))
                .isEqualTo(new Subscribe(null, "leads", null, null));
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\",\"since\":0}"))
                .isEqualTo(new Subscribe(null, "leads", 0L, null));
        assertThat(ClientFrames.parse(
                "{\"type\":\"subscribe\",\"channel\":\"leads\",\"since\":" + Long.MAX_VALUE + "}"))
                .isEqualTo(new Subscribe(null, "leads", Long.MAX_VALUE, null));
        // the channel is not checked here: the socket answers not_found / forbidden
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"no-such-thing\"}"))
                .isEqualTo(new Subscribe(null, "no-such-thing", null, null));
    }

    @Test
    void subscribeWithFilter() {
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"payments.monitor\","
                + "\"filter\":{\"kinds\":[\"transactions\",\"fraud\",\"fraud\"]},\"id\":\"m\"}"))
                .isEqualTo(new Subscribe("m", "payments.monitor", null, Set.of("transactions", "fraud")));
        Subscribe all = (Subscribe) ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"payments.monitor\","
                + "\"filter\":{\"kinds\":" + MonitorFilter.KINDS.stream().map(k -> "\"" + k + "\"").toList() + "}}");
        assertThat(all.kinds()).isEqualTo(MonitorFilter.KINDS);
    }

    @Test
    void otherFrames() {
        assertThat(ClientFrames.parse("{\"type\":\"unsubscribe\",\"channel\":\"leads\",\"id\":\"u\"}"))
                .isEqualTo(new Unsubscribe("u", "leads"));
        assertThat(ClientFrames.parse("{\"type\":\"ping\"}")).isEqualTo(new Ping(null));
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":\"p1\"}")).isEqualTo(new Ping("p1"));
        assertThat(ClientFrames.parse("{\"type\":\"refresh\",\"token\":\"a.b.c\",\"id\":\"r\"}"))
                .isEqualTo(new Refresh("r", "a.b.c"));
    }

    @Test
    void idIsTheTextOfAnyNonNullValue() {
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":7}")).isEqualTo(new Ping("7"));
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":true}")).isEqualTo(new Ping("true"));
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":null}")).isEqualTo(new Ping(null));
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":{\"a\":1}}")).isEqualTo(new Ping(""));
        // duplicate keys: the last one wins
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":\"a\",\"id\":\"b\"}")).isEqualTo(new Ping("b"));
        assertThat(ClientFrames.parse("{\"type\":\"nope\",\"type\":\"ping\"}")).isEqualTo(new Ping(null));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void notJson() {
        assertThat(ClientFrames.parse("{")).isEqualTo(badRequest("malformed JSON", null));
        assertThat(ClientFrames.parse("{\"type\":\"ping\",\"id\":\"x\"")).isEqualTo(badRequest("malformed JSON", null));
        assertThat(ClientFrames.parse("nope")).isEqualTo(badRequest("malformed JSON", null));
        assertThat(ClientFrames.parse(null)).isEqualTo(badRequest("malformed JSON", null));
    }

    @Test
    void notAnObject() {
        for (String text : List.of("", "   ", "[]", "[{\"type\":\"ping\"}]", "1", "\"ping\"", "null", "true")) {
            assertThat(ClientFrames.parse(text)).as(text).isEqualTo(badRequest("a frame is a JSON object", null));
        }
    }

    @Test
    void missingOrMistypedType() {
        assertThat(ClientFrames.parse("{}")).isEqualTo(badRequest("missing field: type", null));
        assertThat(ClientFrames.parse("{\"id\":\"a\"}")).isEqualTo(badRequest("missing field: type", "a"));
        for (String type : List.of("null", "1", "true", "[\"ping\"]", "{\"ping\":1}")) {
            assertThat(ClientFrames.parse("{\"type\":" + type + ",\"id\":\"a\"}")).as(type)
                    .isEqualTo(badRequest("missing field: type", "a"));
        }
    }

    @Test
    void unknownType() {
        assertThat(ClientFrames.parse("{\"type\":\"publish\",\"id\":\"a\"}"))
                .isEqualTo(error(ErrorCodes.UNKNOWN_TYPE, "unknown frame type: publish", "a"));
        assertThat(ClientFrames.parse("{\"type\":\"\"}"))
                .isEqualTo(error(ErrorCodes.UNKNOWN_TYPE, "unknown frame type: ", null));
        assertThat(ClientFrames.parse("{\"type\":\"Ping\"}"))
                .isEqualTo(error(ErrorCodes.UNKNOWN_TYPE, "unknown frame type: Ping", null));
    }

    @Test
    void missingOrMistypedChannel() {
        for (String type : List.of("subscribe", "unsubscribe")) {
            for (String channel : List.of("", ",\"channel\":null", ",\"channel\":1", ",\"channel\":[\"leads\"]",
                    ",\"channel\":{}")) {
                assertThat(ClientFrames.parse("{\"type\":\"" + type + "\",\"id\":\"c\"" + channel + "}"))
                        .as(type + channel).isEqualTo(badRequest("missing field: channel", "c"));
            }
        }
    }

    @Test
    void badSince() {
        for (String since : List.of("-1", "1.5", "1.0", "\"3\"", "true", "[]", "{}", "99999999999999999999",
                "1e3", "-9223372036854775808")) {
            assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\",\"id\":\"s\",\"since\":"
                    + since + "}")).as(since).isEqualTo(badRequest("since must be a non-negative integer", "s"));
        }
    }

    @Test
    void missingOrMistypedToken() {
        for (String token : List.of("", ",\"token\":null", ",\"token\":1", ",\"token\":{}")) {
            assertThat(ClientFrames.parse("{\"type\":\"refresh\",\"id\":\"r\"" + token + "}")).as(token)
                    .isEqualTo(badRequest("missing field: token", "r"));
        }
    }

    @Test
    void badFilter() {
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\",\"id\":\"f\","
                + "\"filter\":{\"kinds\":[\"fraud\"]}}"))
                .isEqualTo(badRequest("filter applies to payments.monitor only", "f"));
        String shape = "filter.kinds must be a non-empty array of " + MonitorFilter.KINDS;
        for (String filter : List.of("{}", "[]", "\"fraud\"", "1", "{\"kinds\":[]}", "{\"kinds\":\"fraud\"}",
                "{\"kinds\":null}", "[{\"kinds\":[\"fraud\"]}]")) {
            assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"payments.monitor\",\"id\":\"f\","
                    + "\"filter\":" + filter + "}")).as(filter).isEqualTo(badRequest(shape, "f"));
        }
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"payments.monitor\","
                + "\"filter\":{\"kinds\":[\"fraud\",\"gossip\"]}}"))
                .isEqualTo(badRequest("unknown kind in filter.kinds: \"gossip\"; known: " + MonitorFilter.KINDS, null));
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"payments.monitor\","
                + "\"filter\":{\"kinds\":[1]}}"))
                .isEqualTo(badRequest("unknown kind in filter.kinds: 1; known: " + MonitorFilter.KINDS, null));
    }

    @Test
    void checksInTheOrderOfTheSocket() {
        // channel before since, since before filter
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"since\":-1,\"filter\":1}"))
                .isEqualTo(badRequest("missing field: channel", null));
        assertThat(ClientFrames.parse("{\"type\":\"subscribe\",\"channel\":\"leads\",\"since\":-1,\"filter\":1}"))
                .isEqualTo(badRequest("since must be a non-negative integer", null));
    }

    @Test
    void deepNestingAndHugeInputAreAnswered() {
        String deep = "[".repeat(100_000);
        assertThat(ClientFrames.parse(deep)).isEqualTo(badRequest("malformed JSON", null));
        String deepObject = "{\"type\":\"ping\",\"x\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}";
        assertThat(ClientFrames.parse(deepObject)).isEqualTo(badRequest("malformed JSON", null));
        String deepFilter = "{\"type\":\"subscribe\",\"channel\":\"payments.monitor\",\"filter\":{\"kinds\":["
                + "[".repeat(990) + "]".repeat(990) + "]}}";
        assertThat(ClientFrames.parse(deepFilter)).isInstanceOf(FrameError.class);
        String big = "x".repeat(2_000_000);
        assertThat(ClientFrames.parse("{\"type\":\"refresh\",\"token\":\"" + big + "\"}"))
                .isEqualTo(new Refresh(null, big));
        assertThat(ClientFrames.parse("{\"type\":\"" + big + "\"}"))
                .isEqualTo(error(ErrorCodes.UNKNOWN_TYPE, "unknown frame type: " + big, null));
        assertThat(ClientFrames.parse(
                "{\"type\":\"subscribe\",\"channel\":\"leads\",\"since\":1" + "0".repeat(5000) + "}"))
                .isInstanceOf(FrameError.class);
    }

    // ------------------------------------------------------------------ generated input

    @Test
    void generatedFramesRoundTrip() {
        Random random = new Random(20261203L);
        List<String> kinds = new ArrayList<>(MonitorFilter.KINDS);
        for (int i = 0; i < 5_000; i++) {
            ClientFrame frame = randomFrame(random, kinds);
            String text = ClientFrames.encode(frame);
            assertThat(ClientFrames.parse(text)).as(text).isEqualTo(frame);
        }
    }

    @Test
    void generatedGarbageIsAlwaysAnswered() {
        Random random = new Random(42L);
        List<String> kinds = new ArrayList<>(MonitorFilter.KINDS);
        List<String> valid = List.of(
                "{\"type\":\"subscribe\",\"channel\":\"payments.monitor\",\"since\":12,"
                        + "\"filter\":{\"kinds\":[\"fraud\"]},\"id\":\"a\"}",
                "{\"type\":\"unsubscribe\",\"channel\":\"leads\",\"id\":\"b\"}",
                "{\"type\":\"ping\",\"id\":\"c\"}",
                "{\"type\":\"refresh\",\"token\":\"t.o.k\",\"id\":\"d\"}");
        int frames = 0;
        int errors = 0;
        for (int i = 0; i < 12_000; i++) {
            String text = switch (i % 6) {
                case 0 -> MalformedInput.randomBytes(random);
                case 1 -> {
                    String source = random.nextBoolean() ? valid.get(random.nextInt(valid.size()))
                            : ClientFrames.encode(randomFrame(random, kinds));
                    yield source.substring(0, random.nextInt(source.length() + 1));
                }
                case 2 -> wrongTypes(random).toString();
                case 3 -> MalformedInput.randomJson(random, 0, FIELDS).toString();
                case 4 -> MalformedInput.mutate(random, valid.get(random.nextInt(valid.size())));
                default -> nested(random);
            };
            ClientFrames.Result result = ClientFrames.parse(text);
            assertThat(result).as(text).isNotNull();
            if (result instanceof FrameError e) {
                errors++;
                assertThat(e.code()).isIn(ErrorCodes.BAD_REQUEST, ErrorCodes.UNKNOWN_TYPE);
                assertThat(e.message()).isNotBlank();
            } else {
                frames++;
                assertThat(result).isInstanceOf(ClientFrame.class);
                // what was decoded encodes to an equal frame
                assertThat(ClientFrames.parse(ClientFrames.encode((ClientFrame) result))).isEqualTo(result);
            }
        }
        assertThat(frames).isPositive();
        assertThat(errors).isPositive();
    }

    private static ClientFrame randomFrame(Random random, List<String> kinds) {
        String id = random.nextInt(3) == 0 ? null : MalformedInput.randomText(random, 12);
        return switch (random.nextInt(4)) {
            case 0 -> {
                boolean monitor = random.nextBoolean();
                String channel = monitor ? "payments.monitor" : MalformedInput.randomText(random, 30);
                Long since = random.nextBoolean() ? null : random.nextLong() & Long.MAX_VALUE;
                Set<String> chosen = null;
                if (monitor && random.nextBoolean()) {
                    Set<String> some = new LinkedHashSet<>();
                    int n = 1 + random.nextInt(kinds.size());
                    for (int k = 0; k < n; k++) {
                        some.add(kinds.get(random.nextInt(kinds.size())));
                    }
                    chosen = Set.copyOf(some);
                }
                yield new Subscribe(id, channel, since, chosen);
            }
            case 1 -> new Unsubscribe(id, MalformedInput.randomText(random, 30));
            case 2 -> new Ping(id);
            default -> new Refresh(id, MalformedInput.randomText(random, 200));
        };
    }

    /** An object with the frame's fields, each of a random (mostly wrong) JSON type. */
    private static ObjectNode wrongTypes(Random random) {
        ObjectNode frame = NODES.objectNode();
        String[] types = {"subscribe", "unsubscribe", "ping", "refresh"};
        frame.set("type", random.nextInt(4) == 0 ? MalformedInput.randomJson(random, 2, FIELDS)
                : NODES.textNode(types[random.nextInt(4)]));
        for (String field : List.of("id", "channel", "since", "token", "filter")) {
            if (random.nextInt(4) != 0) {
                frame.set(field, MalformedInput.randomJson(random, 2, FIELDS));
            }
        }
        if (random.nextBoolean()) {
            ObjectNode filter = NODES.objectNode();
            filter.set("kinds", MalformedInput.randomJson(random, 2, FIELDS));
            frame.set("filter", filter);
            frame.put("channel", "payments.monitor");
        }
        return frame;
    }

    static String nested(Random random) {
        int depth = random.nextInt(3000);
        return switch (random.nextInt(4)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"type\":\"ping\",\"x\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
            case 2 -> "{\"type\":\"subscribe\",\"channel\":\"payments.monitor\",\"filter\":"
                    + "{\"kinds\":".repeat(depth) + "[\"fraud\"]" + "}".repeat(depth) + "}";
            default -> "{\"type\":\"refresh\",\"token\":\"" + "y".repeat(random.nextInt(70_000)) + "\"}";
        };
    }
}
