package io.leadline.notify.pusher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A timestamp so far off that the skew overflows a long must not pass the window check. */
class PusherSignaturesOverflowTest {

    @Test
    void aTimestampWhoseSkewOverflowsIsRefused() {
        long now = 1_800_000_000L;
        String timestamp = Long.toString(now + Long.MIN_VALUE); // now - signedAt == 2^63, which wraps to MIN_VALUE
        Map<String, List<String>> query = new TreeMap<>();
        query.put("auth_key", List.of("k"));
        query.put("auth_timestamp", List.of(timestamp));
        query.put("auth_version", List.of("1.0"));
        String signature = PusherSignatures.signRequest("s", "GET", "/apps/1/channels", query);
        query.put("auth_signature", List.of(signature));

        var refusal = PusherSignatures.verifyApiRequest("k", "s", Duration.ofSeconds(300), "GET", "/apps/1/channels",
                query, new byte[0], now);

        assertThat(refusal).isPresent();
        assertThat(refusal.get().error()).contains("auth_timestamp");
    }
}
