package io.leadline.system.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.monitor.TransactionEvent;
import io.leadline.shared.event.monitor.WebhookEvent;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.NatsTestBus;
import io.leadline.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A burst of {@code payments.monitor} events on the platform's bus at a fixed rate, for the node tests:
 * well-formed events of the contract's records, published to JetStream exactly as payments-service's
 * outbox relay publishes (the envelope's subject, {@code Nats-Msg-Id} set to the event id, the stream
 * expected) and as payments-service's own NATS user, so notify-service routes them as it routes real ones.
 * The real services produce far fewer monitor events per second on a small machine than a busy day does.
 *
 * <p>{@code POST <url>?rate=1000&seconds=10&first_version=N} publishes for that long and answers, once every
 * publish is acknowledged, with what it published (a {@link Report}, JSON). Each cycle is one payment's
 * story: {@code transaction_created}, {@code webhook_received}, {@code webhook_processed},
 * {@code transaction_updated} (succeeded) and a {@code metrics_updated} whose {@code version} rises from
 * {@code first_version}; every transaction and webhook id is new.
 */
public final class MonitorBurst implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MonitorBurst.class);

    /**
     * Publishes awaiting their acknowledgement, at most: two seconds of the rate, so that a stream
     * slowed by a loaded machine slows the burst (the report shows by how much) instead of piling up.
     */
    private static final int MAX_OUTSTANDING_ACKS = 2_000;
    private static final int MAX_RATE = 10_000;
    private static final int MAX_SECONDS = 60;
    private static final EventType[] CYCLE = {EventType.TRANSACTION_CREATED, EventType.WEBHOOK_RECEIVED,
            EventType.WEBHOOK_PROCESSED, EventType.TRANSACTION_UPDATED, EventType.METRICS_UPDATED};

    /**
     * What a burst published: {@code achievedRate} is published events per second of publishing
     * ({@code publishMs}, the first publish to the last), {@code acknowledgedRate} the same up to the last
     * acknowledgement ({@code ackWaitMs} after the last publish), {@code events} counts them by type.
     */
    public record Report(int rate, int seconds, long published, long acknowledged, long failed, long publishMs,
            long achievedRate, long ackWaitMs, long acknowledgedRate, int maxOutstandingAcks, long firstVersion,
            long lastVersion, Map<String, Long> events) {
    }

    private final HttpServer server;
    private final Connection connection;
    private final JetStream jetStream;
    private final String stream;
    private final String path;

    private MonitorBurst(HttpServer server, Connection connection, String path) throws IOException {
        this.server = server;
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.stream = StreamLimits.DEFAULTS.name();
        this.path = path;
    }

    /** Starts the endpoint on a free loopback port with its own connection to {@code nats} as payments-service. */
    public static MonitorBurst start(NatsTestBus nats) {
        Connection connection = nats.connect(NatsIdentity.PAYMENTS);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newSingleThreadExecutor()); // one burst at a time
            MonitorBurst burst = new MonitorBurst(server, connection, "/monitor/burst");
            server.createContext(burst.path, burst::handle);
            server.start();
            LOG.infof("payments.monitor burst endpoint on %s", burst.url());
            return burst;
        } catch (IOException e) {
            closeQuietly(connection);
            throw new UncheckedIOException(e);
        }
    }

    /** Where the node tests POST (LEADLINE_MONITOR_BURST_URL). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
        closeQuietly(connection);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int status;
        String body;
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                status = 405;
                body = "POST only";
            } else {
                Map<String, String> query = query(exchange.getRequestURI());
                int rate = bounded(query, "rate", 1, MAX_RATE);
                int seconds = bounded(query, "seconds", 1, MAX_SECONDS);
                long firstVersion = Long.parseLong(query.getOrDefault("first_version", "1"));
                LOG.infof("burst: %d payments.monitor events/s for %d s (asked by the node tests)", rate, seconds);
                Report report = publish(rate, seconds, firstVersion);
                LOG.infof("burst done: %s", report);
                status = 200;
                body = JsonCodec.encodeToString(report);
            }
        } catch (IllegalArgumentException e) {
            status = 400;
            body = e.getMessage();
        } catch (RuntimeException e) {
            LOG.errorf(e, "burst failed");
            status = 500;
            body = "burst failed: " + e.getMessage();
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        String contentType = status == 200 ? "application/json" : "text/plain; charset=utf-8";
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Publishes event {@code i} at {@code i / rate} seconds after the start, asynchronously, waiting only
     * when {@link #MAX_OUTSTANDING_ACKS} publishes are unacknowledged (then the rate falls behind, and the
     * report shows it).
     */
    Report publish(int rate, int seconds, long firstVersion) {
        long total = (long) rate * seconds;
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING_ACKS);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, Long> events = new LinkedHashMap<>();
        List<CompletableFuture<?>> acks = new ArrayList<>((int) total);
        String run = Long.toString(System.currentTimeMillis(), 36);
        long version = firstVersion - 1;
        long transactions = 0;
        long succeeded = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        long timeoutNanos = NatsTestServer.CLIENT_TIMEOUT.toNanos();
        long started = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = started + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                LockSupport.parkNanos(wait);
            }
            long cycle = i / CYCLE.length;
            EventType type = CYCLE[(int) (i % CYCLE.length)];
            String transactionId = "burst-" + run + "-" + cycle;
            BigDecimal amount = BigDecimal.valueOf(100 + (cycle * 7919) % 40_000, 2);
            Event event;
            switch (type) {
                case TRANSACTION_CREATED -> {
                    transactions++;
                    event = transaction(true, transactionId, amount, "pending");
                }
                case WEBHOOK_RECEIVED, WEBHOOK_PROCESSED -> event = new WebhookEvent(type, "stripe",
                        "evt_" + transactionId, "payment_intent.succeeded",
                        type == EventType.WEBHOOK_RECEIVED ? "received" : "processed", null);
                case TRANSACTION_UPDATED -> {
                    succeeded++;
                    revenue = revenue.add(amount);
                    event = transaction(false, transactionId, amount, "succeeded");
                }
                default -> {
                    version++;
                    event = new MetricsUpdated(transactions, BigDecimal.valueOf(succeeded)
                            .divide(BigDecimal.valueOf(Math.max(1, transactions)), 4, RoundingMode.HALF_UP),
                            revenue, "1h", "USD", Map.of("USD", revenue), version);
                }
            }
            // the envelope after the wait: its ts then times the bus and the page, not this loop's waiting
            outstanding.acquireUninterruptibly();
            EventEnvelope<Event> envelope = EventEnvelope.of(Channels.PAYMENTS_MONITOR, event);
            PublishOptions options = PublishOptions.builder().messageId(envelope.id()).expectedStream(stream).build();
            CompletableFuture<?> ack = jetStream
                    .publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope), options)
                    .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((done, failure) -> {
                        outstanding.release();
                        (failure == null ? acknowledged : failed).incrementAndGet();
                    });
            acks.add(ack);
            events.merge(type.wireName(), 1L, Long::sum);
        }
        long publishNanos = System.nanoTime() - started;
        // a failed acknowledgement is counted, not thrown: the report says how many
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
        long ackWaitMs = Duration.ofNanos(System.nanoTime() - started - publishNanos).toMillis();
        long publishMs = Math.max(1, Duration.ofNanos(publishNanos).toMillis());
        return new Report(rate, seconds, total, acknowledged.get(), failed.get(), publishMs,
                Math.round(total * 1000.0 / publishMs), ackWaitMs,
                Math.round(acknowledged.get() * 1000.0 / (publishMs + ackWaitMs)), MAX_OUTSTANDING_ACKS, firstVersion,
                version, events);
    }

    private static TransactionEvent transaction(boolean created, String id, BigDecimal amount, String status) {
        return new TransactionEvent(created, id, amount, "USD", status, "stripe", "burst-customer", Instant.now());
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return query;
    }

    private static int bounded(Map<String, String> query, String name, int min, int max) {
        String value = query.get(name);
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new IllegalArgumentException(
                name + " must be a whole number from " + min + " to " + max + ", not " + value);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
