package io.leadline.notify.routing;

import io.leadline.notify.routing.StreamEventCheck.Rejection;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** What the gateway forwards from the stream, decided without a server. */
class StreamEventCheckTest {

    private static final int MAX = 4096;

    private final EventEnvelope<BalanceUpdated> balance = EventEnvelope.of(Channels.user("7"),
            new BalanceUpdated(10, 0, 10, "top_up", "pi_1"));

    @Test
    void anEnvelopeFromItsOwnerOnItsChannelPasses() {
        assertThat(StreamEventCheck.rejection(Channels.subjectOf(balance), JsonCodec.encode(balance), MAX)).isNull();
        EventEnvelope<LeadCreated> lead = EventEnvelope.of(Channels.LEADS, new LeadCreated("l1", "Roof", "d", "roofing",
                "Austin", "TX", "high", "residential", 1, 10, 3, Instant.now()));
        assertThat(StreamEventCheck.rejection("ch.leads.leads", JsonCodec.encode(lead), MAX)).isNull();
    }

    @Test
    void eachWayOfBeingUnfitIsNamed() {
        byte[] body = JsonCodec.encode(balance);
        assertThat(reject("ch.user.7", body)).isEqualTo(Rejection.UNKNOWN_SUBJECT);
        assertThat(reject("ch.payments.nowhere.7", body)).isEqualTo(Rejection.UNKNOWN_SUBJECT);
        assertThat(reject("ch.leads.user.7", body)).as("leads speaking for payments").isEqualTo(Rejection.WRONG_OWNER);
        assertThat(reject("ch.payments.user.8", body)).as("another user's channel").isEqualTo(Rejection.WRONG_CHANNEL);
        assertThat(reject("ch.payments.escrow.7", text(body).replace("\"user.7\"", "\"escrow.7\"")))
                .isEqualTo(Rejection.WRONG_CHANNEL);
        assertThat(reject("ch.payments.user.7", new byte[0])).isEqualTo(Rejection.NOT_JSON);
        assertThat(reject("ch.payments.user.7", new byte[MAX + 1])).isEqualTo(Rejection.TOO_LARGE);
        assertThat(reject("ch.payments.user.7", new byte[] {'{', '"', (byte) 0xC3, '"', '}'})).isEqualTo(Rejection.NOT_UTF8);
        assertThat(reject("ch.payments.user.7", text(body).replace("balance_updated", "balance_stolen")))
                .isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.payments.user.7", text(body).replace("\"id\":\"" + balance.id() + "\"", "\"id\":\"\"")))
                .isEqualTo(Rejection.NO_ID);
        assertThat(reject("ch.payments.user.7", text(body).replace("\"id\":\"" + balance.id() + "\"",
                "\"id\":\"" + "x".repeat(StreamEventCheck.MAX_ID_LENGTH + 1) + "\"")))
                .as("an id too long to remember").isEqualTo(Rejection.NO_ID);
        for (String json : new String[] {"[]", "null", "42", "\"x\"", "{", "{\"type\":}", text(body) + " {}", text(body) + "x",
                "\n" + text(body), " " + text(body), "\uFEFF" + text(body), text(body) + "\n",
                text(body).substring(0, text(body).length() - 1)}) {
            assertThat(reject("ch.payments.user.7", json)).as(json).isEqualTo(Rejection.NOT_JSON);
        }
    }

    @Test
    void anEnvelopeTheGatewayWouldReadOtherwiseThanAClientIsAmbiguous() {
        String monitor = "ch.payments.payments.monitor";
        String head = "{\"id\":\"i\",\"channel\":\"payments.monitor\",\"ts\":1,";
        assertThat(reject(monitor, head + "\"type\":\"metrics_updated\",\"data\":{\"type\":\"fraud_alert\",\"seq\":3}}"))
                .as("plain: type first, whatever the data holds").isNull();
        assertThat(reject(monitor, head + "\"data\":{\"type\":\"metrics_updated\"},\"type\":\"metrics_updated\"}"))
                .as("the scan finds the same type").isNull();
        assertThat(reject(monitor, head + "\"data\":{\"type\":\"fraud_alert\"},\"type\":\"metrics_updated\"}"))
                .as("after a nested type").isEqualTo(Rejection.AMBIGUOUS);
        assertThat(reject(monitor, head + "\"type\":\"fraud_alert\",\"data\":{},\"type\":\"metrics_updated\"}"))
                .as("repeated").isEqualTo(Rejection.AMBIGUOUS);
        assertThat(reject(monitor, head + "\"type\":\"metrics\\u005fupdated\",\"data\":{}}"))
                .as("escaped").isEqualTo(Rejection.AMBIGUOUS);
        assertThat(reject(monitor, head + "\"type\":\"metrics_updated\",\"data\":{},\"seq\":99}"))
                .as("its own seq").isEqualTo(Rejection.AMBIGUOUS);
        assertThat(reject(monitor, "{\"seq\":{\"a\":[1]}," + head.substring(1) + "\"type\":\"metrics_updated\",\"data\":{}}"))
                .isEqualTo(Rejection.AMBIGUOUS);
        assertThat(reject("ch.notify.news", "{\"id\":\"i\",\"type\":\"e\",\"channel\":\"news\",\"seq\":1,\"data\":1}"))
                .as("an app event's own seq").isEqualTo(Rejection.AMBIGUOUS);
    }

    /**
     * Jackson guesses UTF-16 or UTF-32 from NUL bytes at the start of its input; bytes that are valid UTF-8
     * (NUL included) and JSON only as UTF-16 must not pass as JSON that a client would then fail to parse.
     */
    @Test
    void jsonInAnotherEncodingIsNotJson() {
        String body = text(JsonCodec.encode(balance));
        byte[] utf16 = body.getBytes(StandardCharsets.UTF_16LE);
        byte[] endingInABrace = java.util.Arrays.copyOf(utf16, utf16.length + 1);
        endingInABrace[utf16.length] = '}';
        for (byte[] candidate : new byte[][] {utf16, endingInABrace, body.getBytes(Charset.forName("UTF-32LE"))}) {
            assertThat(StreamEventCheck.isUtf8(candidate)).isTrue();
            assertThat(reject("ch.payments.user.7", candidate)).isNotNull();
        }
    }

    /**
     * The router turns every raw CR and LF of an envelope into a space so that it fits on one line of a
     * batch frame; that only keeps the meaning because a raw control character inside a string is not JSON.
     */
    @Test
    void aRawControlCharacterInsideAStringIsNotJson() {
        String body = text(JsonCodec.encode(balance));
        for (String raw : new String[] {"\n", "\r", "\u0000", "\t"}) {
            assertThat(reject("ch.payments.user.7", body.replace("\"top_up\"", "\"top" + raw + "up\"")))
                    .as("%x in a string", (int) raw.charAt(0)).isEqualTo(Rejection.NOT_JSON);
        }
        assertThat(reject("ch.payments.user.7", body.replace(",\"type\"", ",\u0000\"type\""))).as("NUL between tokens")
                .isEqualTo(Rejection.NOT_JSON);
        assertThat(reject("ch.payments.user.7", body.replace(",\"type\"", ",\r\n\t\"type\""))).as("whitespace between tokens")
                .isNull();
    }

    @Test
    void strictUtf8() {
        assertThat(StreamEventCheck.isUtf8("plain ascii".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(StreamEventCheck.isUtf8("Zürich, 東京, 🚀".getBytes(StandardCharsets.UTF_8))).isTrue();
        for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}}) {
            assertThat(StreamEventCheck.isUtf8(bad)).as(java.util.HexFormat.of().formatHex(bad)).isFalse();
        }
    }

    @Test
    void randomBytesAndMangledEnvelopesNeverPassAndNeverThrow() {
        Random random = new Random(7);
        byte[] good = JsonCodec.encode(balance);
        int passed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] candidate;
            if (i % 2 == 0) {
                candidate = new byte[random.nextInt(200)];
                random.nextBytes(candidate);
            } else {
                candidate = good.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    candidate[random.nextInt(candidate.length)] = (byte) random.nextInt(256);
                }
            }
            if (StreamEventCheck.rejection("ch.payments.user.7", candidate, MAX) == null) {
                passed++; // a flip inside a string value can leave a valid envelope: then it must still parse
                assertThat(JsonCodec.decodeEnvelope(candidate).channel()).isEqualTo("user.7");
            }
        }
        assertThat(passed).isLessThan(10_000);
    }

    @Test
    void appEventsOfNotifyPassOnLeadlineAndPusherChannels() {
        assertThat(reject("ch.notify.user.7", app("order-shipped", "user.7"))).isNull();
        assertThat(reject("ch.notify.leads", app("client-typing", "leads"))).isNull();
        assertThat(reject("ch.notify.presence-lead.9", app("client-typing", "presence-lead.9"))).isNull();
        assertThat(reject("ch.notify.private-property-manager.4", app("lead.distributed", "private-property-manager.4")))
                .isNull();
        assertThat(reject("ch.notify.my-news", app("Headline:now", "my-news"))).isNull();
        assertThat(reject("ch.notify.a_b=c@d,e.f;g", app("x", "a_b=c@d,e.f;g"))).isNull();
        assertThat(reject("ch.notify.news", app("e".repeat(200), "news"))).isNull();
        // data may be any JSON value, and socket_id may be there
        assertThat(reject("ch.notify.news", "{\"id\":\"i\",\"type\":\"e\",\"channel\":\"news\",\"ts\":1,"
                + "\"socket_id\":\"1.2\",\"data\":\"plain\"}")).isNull();
    }

    @Test
    void appEventsAreRefusedOtherwise() {
        assertThat(reject("ch.leads.user.7", app("order-shipped", "user.7"))).as("not under notify")
                .isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.payments.news", app("x", "news"))).as("a Pusher channel under another owner")
                .isEqualTo(Rejection.UNKNOWN_SUBJECT);
        assertThat(reject("ch.notify.news", app("pusher:subscribe", "news"))).isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.notify.news", app("pusher_internal:member_added", "news"))).isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.notify.news", app("", "news"))).isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.notify.news", app("e".repeat(201), "news"))).isEqualTo(Rejection.UNKNOWN_TYPE);
        assertThat(reject("ch.notify.news", app("x", "other"))).isEqualTo(Rejection.WRONG_CHANNEL);
        assertThat(reject("ch.notify.user.7", app("x", "user.8"))).isEqualTo(Rejection.WRONG_CHANNEL);
        assertThat(reject("ch.notify.news", text(app("x", "news")).replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"\""))).isEqualTo(Rejection.NO_ID);
        assertThat(reject("ch.notify." + "x".repeat(165), app("x", "x".repeat(165)))).isEqualTo(Rejection.UNKNOWN_SUBJECT);
        assertThat(reject("ch.notify.a*b", app("x", "a*b"))).isEqualTo(Rejection.UNKNOWN_SUBJECT);
        // a platform event type under notify keeps its own rules: its owner and its channel kind
        assertThat(reject("ch.notify.news", text(app("balance_updated", "news")))).isEqualTo(Rejection.WRONG_OWNER);
        assertThat(reject("ch.notify.news", text(app("notification_message", "news")))).isEqualTo(Rejection.WRONG_CHANNEL);
        assertThat(reject("ch.notify.news", "{\"id\":\"i\",\"type\":\"x\",\"channel\":\"news\",\"data\":")).isEqualTo(Rejection.NOT_JSON);
    }

    @Test
    void namesOfAppEventsAndChannels() {
        assertThat(StreamEventCheck.isAppEventName("client-typing")).isTrue();
        assertThat(StreamEventCheck.isAppEventName("pusher:ping")).isFalse();
        assertThat(StreamEventCheck.isAppEventName(null)).isFalse();
        assertThat(StreamEventCheck.isAppChannel("leads")).isTrue();
        assertThat(StreamEventCheck.isAppChannel("presence-lead.1")).isTrue();
        for (String bad : new String[] {null, "", "a b", "a..b", ".a", "a.", "a>b", "a*b", "é"}) {
            assertThat(StreamEventCheck.isPusherChannelName(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    private static byte[] app(String type, String channel) {
        return ("{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"type\":" + quote(type) + ",\"channel\":" + quote(channel)
                + ",\"ts\":1700000000000,\"data\":{\"x\":[1,2,{\"y\":null}]}}").getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Rejection reject(String subject, byte[] body) {
        return StreamEventCheck.rejection(subject, body, MAX);
    }

    private static Rejection reject(String subject, String body) {
        return reject(subject, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
