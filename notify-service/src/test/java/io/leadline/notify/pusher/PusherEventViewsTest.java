package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.notify.MalformedInput;
import io.leadline.shared.json.JsonCodec;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Pusher frame spliced from an envelope's bytes says what a frame built by a JSON library from the
 * parsed envelope says: the same event, channel, user_id, and a data string that parses to the same value.
 */
class PusherEventViewsTest {

    private static final String[] FIELDS = {"lead", "score", "text", "user_id", "data", "x"};

    @Test
    void splicedFramesMatchTheEnvelopeForGeneratedData() throws Exception {
        Random random = new Random(13);
        for (int i = 0; i < 5_000; i++) {
            ObjectNode envelope = JsonCodec.mapper().createObjectNode();
            envelope.put("id", "e" + i);
            envelope.put("type", "client-" + MalformedInput.randomText(random, 10));
            envelope.put("channel", "presence-room");
            envelope.put("ts", 1_700_000_000_000L + i);
            String userId = random.nextBoolean() ? MalformedInput.randomText(random, 8) : null;
            if (userId != null) {
                envelope.put("user_id", userId);
            }
            envelope.set("data", MalformedInput.randomJson(random, 0, FIELDS));
            // the envelope as it travels (UTF-8, compact or not) and as a JSON library reads it back
            byte[] bytes = (random.nextBoolean() ? envelope.toString() : envelope.toPrettyString())
                    .getBytes(StandardCharsets.UTF_8);
            JsonNode published = JsonCodec.mapper().readTree(bytes);
            JsonNode data = published.path("data");
            String channel = "presence-" + i;
            String event = published.path("type").asText();

            JsonNode frame = decode(PusherEventViews.frame(channel, event, bytes));

            assertThat(frame.path("event").asText()).isEqualTo(event);
            assertThat(frame.path("channel").asText()).isEqualTo(channel);
            assertThat(frame.path("data").isTextual()).isTrue();
            if (data.isTextual()) {
                assertThat(frame.path("data").asText()).isEqualTo(data.asText());
            } else {
                assertThat(JsonCodec.mapper().readTree(frame.path("data").asText())).isEqualTo(data);
            }
            if (userId == null) {
                assertThat(frame.has("user_id")).isFalse();
            } else {
                assertThat(frame.path("user_id").asText()).isEqualTo(published.path("user_id").asText());
            }
        }
    }

    @Test
    void aLeadlineEventBecomesItsDataUnderItsType() throws Exception {
        String envelope = "{\"id\":\"01J\",\"type\":\"balance_updated\",\"channel\":\"user.7\",\"ts\":1,"
                + "\"data\":{\"balance\":1200,\"note\":\"a \\\"quoted\\\" \\u00e9 word\\n\"}}";
        JsonNode frame = decode(PusherEventViews.frame("private-user.7", "balance_updated",
                envelope.getBytes(StandardCharsets.UTF_8)));
        assertThat(frame.path("event").asText()).isEqualTo("balance_updated");
        JsonNode data = JsonCodec.mapper().readTree(frame.path("data").asText());
        assertThat(data.path("balance").asInt()).isEqualTo(1200);
        assertThat(data.path("note").asText()).isEqualTo("a \"quoted\" \u00e9 word\n");
    }

    @Test
    void anEnvelopeWithoutDataGivesAnEmptyObject() throws Exception {
        JsonNode frame = decode(PusherEventViews.frame("news", "e",
                "{\"id\":\"1\",\"type\":\"e\",\"channel\":\"news\",\"ts\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(frame.path("data").asText()).isEqualTo("{}");
    }

    /** The payload of a complete unmasked text frame as written to the socket. */
    private static JsonNode decode(ByteBuf frame) throws Exception {
        try {
            assertThat(frame.readByte()).isEqualTo((byte) 0x81);
            int length = frame.readByte() & 0x7F;
            if (length == 126) {
                length = frame.readUnsignedShort();
            } else if (length == 127) {
                length = (int) frame.readLong();
            }
            assertThat(frame.readableBytes()).isEqualTo(length);
            byte[] payload = new byte[length];
            frame.readBytes(payload);
            return JsonCodec.mapper().readTree(payload);
        } finally {
            frame.release();
        }
    }
}
