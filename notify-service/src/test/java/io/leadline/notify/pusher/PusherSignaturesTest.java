package io.leadline.notify.pusher;

import io.leadline.notify.pusher.PusherSignatures.ApiRefusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Pusher's documented vectors, and the ways a request or an auth string can be wrong. */
class PusherSignaturesTest {

    // the worked example of Pusher's HTTP API reference
    private static final String KEY = "278d425bdf160c739803";
    private static final String SECRET = "7ad3773142a6692b25b8";
    private static final String BODY = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
    private static final String BODY_MD5 = "ec365a775a4cd0599faeb73354201b6f";
    private static final long TIMESTAMP = 1353088179L;
    private static final String SIGNATURE = "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c";
    private static final Duration WINDOW = Duration.ofSeconds(300);

    @Test
    void theWorkedRestExampleIsReproduced() {
        assertThat(PusherSignatures.md5Hex(BODY.getBytes(StandardCharsets.UTF_8))).isEqualTo(BODY_MD5);
        Map<String, List<String>> query = exampleQuery();
        assertThat(PusherSignatures.stringToSign("POST", "/apps/3/events", query)).isEqualTo("POST\n/apps/3/events\n"
                + "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=" + BODY_MD5);
        assertThat(PusherSignatures.signRequest(SECRET, "POST", "/apps/3/events", query)).isEqualTo(SIGNATURE);
        query.put("auth_signature", List.of(SIGNATURE));
        assertThat(verify(query, BODY, TIMESTAMP)).isEmpty();
        assertThat(verify(query, BODY, TIMESTAMP + 300)).as("at the window's edge").isEmpty();
        assertThat(verify(query, BODY, TIMESTAMP - 300)).as("signed slightly ahead of our clock").isEmpty();
    }

    @Test
    void theDocumentedChannelAuthIsReproduced() {
        // Pusher's auth signature reference: socket 1234.1234 on private-foobar
        assertThat(PusherSignatures.channelAuth(KEY, SECRET, "1234.1234", "private-foobar", null))
                .isEqualTo("278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
        // presence: the channel data is signed too (digest computed independently with openssl dgst -hmac)
        String channelData = "{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}";
        String auth = PusherSignatures.channelAuth(KEY, SECRET, "1234.1234", "presence-foobar", channelData);
        assertThat(auth).isEqualTo("278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80");
        assertThat(PusherSignatures.verifyChannelAuth(KEY, SECRET, "1234.1234", "presence-foobar", channelData, auth)).isTrue();
        assertThat(PusherSignatures.verifyChannelAuth(KEY, SECRET, "1234.1234", "presence-foobar",
                channelData.replace("10", "11"), auth)).as("other channel data").isFalse();
        assertThat(PusherSignatures.verifyChannelAuth(KEY, SECRET, "1234.1235", "presence-foobar", channelData, auth))
                .as("another socket").isFalse();
        assertThat(PusherSignatures.verifyChannelAuth(KEY, "another-secret", "1234.1234", "presence-foobar", channelData,
                auth)).as("another app's secret").isFalse();
        assertThat(PusherSignatures.verifyChannelAuth(KEY, SECRET, "1234.1234", "presence-foobar", channelData, null)).isFalse();
    }

    @Test
    void forgedExpiredAndForeignRequestsAreRefused() {
        Map<String, List<String>> query = exampleQuery();
        query.put("auth_signature", List.of(SIGNATURE));
        assertThat(verify(query, BODY, TIMESTAMP + 301)).map(ApiRefusal::error).get().asString().contains("auth_timestamp");
        assertThat(verify(query, BODY, TIMESTAMP - 301)).as("from the future").isPresent();
        assertThat(verify(query, BODY.replace("foo", "bar"), TIMESTAMP)).map(ApiRefusal::error).get().asString()
                .contains("body_md5");
        assertThat(PusherSignatures.verifyApiRequest(KEY, "7ad3773142a6692b25b9", WINDOW, "POST", "/apps/3/events", query,
                bytes(BODY), TIMESTAMP)).as("a foreign secret").map(ApiRefusal::error).get().asString().contains("signature");
        assertThat(PusherSignatures.verifyApiRequest("another-key", SECRET, WINDOW, "POST", "/apps/3/events", query,
                bytes(BODY), TIMESTAMP)).as("a foreign key").map(ApiRefusal::error).get().asString().contains("auth_key");
        assertThat(PusherSignatures.verifyApiRequest(KEY, SECRET, WINDOW, "POST", "/apps/4/events", query,
                bytes(BODY), TIMESTAMP)).as("another path").isPresent();
        assertThat(PusherSignatures.verifyApiRequest(KEY, SECRET, WINDOW, "GET", "/apps/3/events", query,
                bytes(BODY), TIMESTAMP)).as("another method").isPresent();

        Map<String, List<String>> forged = new LinkedHashMap<>(query);
        forged.put("auth_timestamp", List.of(Long.toString(TIMESTAMP + 100)));
        assertThat(verify(forged, BODY, TIMESTAMP + 100)).as("a moved timestamp").map(ApiRefusal::error).get().asString()
                .contains("signature");
        Map<String, List<String>> flipped = new LinkedHashMap<>(query);
        flipped.put("auth_signature", List.of(SIGNATURE.substring(0, 63) + "d"));
        assertThat(verify(flipped, BODY, TIMESTAMP)).isPresent();
        Map<String, List<String>> doubled = new LinkedHashMap<>(query);
        doubled.put("AUTH_KEY", List.of(KEY));
        assertThat(verify(doubled, BODY, TIMESTAMP)).map(ApiRefusal::error).get().asString().contains("more than once");
        Map<String, List<String>> unsigned = new LinkedHashMap<>(query);
        unsigned.remove("auth_signature");
        assertThat(verify(unsigned, BODY, TIMESTAMP)).isPresent();
        assertThat(verify(query, BODY, TIMESTAMP)).isEmpty();
    }

    @Test
    void theVersionAndTheBodyDigestAreSigned() {
        Map<String, List<String>> v2 = exampleQuery();
        v2.put("auth_version", List.of("2.0"));
        v2.put("auth_signature", List.of(PusherSignatures.signRequest(SECRET, "POST", "/apps/3/events", v2)));
        assertThat(verify(v2, BODY, TIMESTAMP)).map(ApiRefusal::error).get().asString().contains("auth_version");

        Map<String, List<String>> noMd5 = exampleQuery();
        noMd5.remove("body_md5");
        noMd5.put("auth_signature", List.of(PusherSignatures.signRequest(SECRET, "POST", "/apps/3/events", noMd5)));
        assertThat(verify(noMd5, BODY, TIMESTAMP)).map(ApiRefusal::error).get().asString().contains("body_md5");

        // a GET has no body and needs no body_md5
        Map<String, List<String>> get = exampleQuery();
        get.remove("body_md5");
        get.put("filter_by_prefix", List.of("presence-"));
        get.put("auth_signature", List.of(PusherSignatures.signRequest(SECRET, "GET", "/apps/3/channels", get)));
        assertThat(PusherSignatures.verifyApiRequest(KEY, SECRET, WINDOW, "GET", "/apps/3/channels", get, new byte[0],
                TIMESTAMP)).isEmpty();
        assertThat(PusherSignatures.stringToSign("GET", "/apps/3/channels", get)).endsWith("&filter_by_prefix=presence-")
                .doesNotContain("auth_signature");
    }

    @Test
    void socketIds() {
        assertThat(PusherSignatures.isSocketId("1234.1234")).isTrue();
        assertThat(PusherSignatures.isSocketId("1.2")).isTrue();
        for (String bad : new String[] {null, "", "1234", "1234.", ".1", "a.1", "1.2.3", "1.2\n", " 1.2", "-1.2"}) {
            assertThat(PusherSignatures.isSocketId(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void constantTimeEquality() {
        assertThat(PusherSignatures.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(PusherSignatures.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(PusherSignatures.constantTimeEquals("abc", "abcd")).isFalse();
        assertThat(PusherSignatures.constantTimeEquals(null, "abc")).isFalse();
    }

    private static Map<String, List<String>> exampleQuery() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("auth_key", List.of(KEY));
        query.put("auth_timestamp", List.of(Long.toString(TIMESTAMP)));
        query.put("auth_version", List.of("1.0"));
        query.put("body_md5", List.of(BODY_MD5));
        return query;
    }

    private static Optional<ApiRefusal> verify(Map<String, List<String>> query, String body, long now) {
        return PusherSignatures.verifyApiRequest(KEY, SECRET, WINDOW, "POST", "/apps/3/events", query, bytes(body), now);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
