package io.leadline.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Webhooks verify first: an unsigned request is refused before its body is parsed, is neither stored
 * nor announced on its own (counted, and summed up at most once per interval: 2 s in tests), and a
 * body over 256 KB is 413 before it is read.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WebhookVerifyFirstTests {

    /** Metrics are served on the management interface only. */
    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    private static final int LIMIT = 256 * 1024;
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    @Inject
    TestDatabase dataSource;

    @Test
    void anUnsignedFloodIsCountedAndSummedUpOncePerIntervalNeitherStoredNorBroadcastPerRequest() {
        long stored = Db.scalar(dataSource, "SELECT count(*) FROM webhook_events");
        double countedBefore = rejectedCounter();
        long startedAt = System.currentTimeMillis();
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                String id = Webhooks.eventId("evt_flood_");
                String body = Webhooks.stripeIntent(id, "payment_intent.succeeded", "pi_flood", 100);
                if (i % 2 == 0) {
                    given().contentType("application/json").body(body).when().post("/api/webhooks/stripe")
                            .then().statusCode(400).contentType("application/problem+json")
                            .body("detail", containsString("missing Stripe-Signature"));
                } else {
                    Webhooks.razorpay(body, id, "0123abcd").statusCode(400).contentType("application/problem+json");
                }
            }
            // every refusal is summed up within an interval or two: 20 requests, not 40 frames
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(summaries(monitor, startedAt).stream()
                            .mapToLong(e -> e.path("data").path("count").asLong()).sum()).isGreaterThanOrEqualTo(20));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            List<JsonNode> summaries = summaries(monitor, startedAt);
            assertThat(summaries).hasSizeLessThanOrEqualTo((int) (elapsed.toMillis() / INTERVAL.toMillis()) + 1);
            assertThat(summaries).allSatisfy(e -> {
                assertThat(e.path("data").path("status").asText()).isEqualTo("rejected");
                assertThat(e.path("data").has("event_id")).isFalse();
                assertThat(e.path("data").path("error").asText()).contains("refused");
            });
            assertThat(summaries).anySatisfy(e ->
                    assertThat(e.path("data").path("provider").asText()).contains("stripe").contains("razorpay"));
            assertThat(since(monitor.ofType("webhook_received"), startedAt)).isEmpty();
            assertThat(since(monitor.ofType("webhook_failed"), startedAt)).hasSameSizeAs(summaries);
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events")).isEqualTo(stored);
        assertThat(rejectedCounter() - countedBefore).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aBodyOverTheLimitIs413AndOneWithinItIsVerifiedAsUsual() {
        String padded = paddedIgnoredEvent(Webhooks.eventId("evt_big_"), LIMIT + 1);
        given().contentType("application/json").header("Stripe-Signature", "t=1,v1=00")
                .body(padded.getBytes(StandardCharsets.UTF_8)).when().post("/api/webhooks/stripe")
                .then().statusCode(413).contentType("application/problem+json");
        Webhooks.razorpay(padded, "evt", "00").statusCode(413);

        String eventId = Webhooks.eventId("evt_fits_");
        Webhooks.stripe(paddedIgnoredEvent(eventId, LIMIT - 10)).statusCode(200).body("status", equalTo("ignored"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ?", eventId)).isEqualTo(1);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsSent() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // 10 MB announced, a few bytes sent: the answer must not wait for (or read) the rest
            out.write(("POST /api/webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: t=1,v1=00\r\nContent-Length: 10485760\r\n\r\n{\"id\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(status(socket.getInputStream())).isEqualTo(413);
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/webhooks/razorpay HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Razorpay-Signature: 00\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int sent = 0; sent <= LIMIT; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // the server may stop listening once it has refused the body
            }
            assertThat(status(socket.getInputStream())).isEqualTo(413);
        }
    }

    private static String paddedIgnoredEvent(String eventId, int size) {
        String head = "{\"id\":\"" + eventId + "\",\"type\":\"customer.created\",\"data\":{\"object\":{}},\"padding\":\"";
        String tail = "\"}";
        return head + "p".repeat(size - head.length() - tail.length()) + tail;
    }

    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        Matcher matcher = Pattern.compile("HTTP/1\\.1 (\\d{3}).*").matcher(line.toString().trim());
        assertThat(matcher.matches()).as("status line %s", line).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** The summaries published since {@code startedAt} (the watch replays the whole stream). */
    private static List<JsonNode> summaries(TestNats.ChannelWatch monitor, long startedAt) {
        return since(monitor.ofType("webhook_failed"), startedAt).stream()
                .filter(e -> "signature_rejected".equals(e.path("data").path("type").asText())).toList();
    }

    private static List<JsonNode> since(List<JsonNode> events, long startedAt) {
        return events.stream().filter(e -> e.path("ts").asLong() >= startedAt).toList();
    }

    private double rejectedCounter() {
        String metrics = given().baseUri(managementRoot.resolve("/").toString()).when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        double total = 0;
        Matcher matcher = Pattern.compile("(?m)^leadline_webhooks_rejected_total\\{[^}]*} ([0-9.E+]+)$").matcher(metrics);
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }
}
