package io.leadline.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** The ways events are published: JetStream (notify-service), NATS core (nats-ws), HTTP POST (the others). */
final class Publishers {

    private Publishers() {
    }

    /** What the platform's services do (OutboxRelay): publishAsync to {@code ch.<channel>} with Nats-Msg-Id = event id. */
    static final class JetStreamPublisher implements Publisher {
        private final Connection nats;
        private final JetStream jetStream;
        private final String subject;
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong outstanding = new AtomicLong();
        private final Publisher.Body body;

        JetStreamPublisher(String url, String subject) throws Exception {
            this(url, subject, Payload::envelope);
        }

        JetStreamPublisher(String url, String subject, Publisher.Body body) throws Exception {
            this.nats = Nats.connect(new Options.Builder().server(url).connectionName("bench-publisher")
                    .maxMessagesInOutgoingQueue(100_000).connectionTimeout(Duration.ofSeconds(5)).build());
            this.jetStream = nats.jetStream();
            this.subject = subject;
            this.body = body;
        }

        @Override
        public byte[] body(String id, long ts, long n) {
            return body.of(id, ts, n);
        }

        @Override
        public void publish(String id, byte[] body) {
            outstanding.incrementAndGet();
            jetStream.publishAsync(subject, body, PublishOptions.builder().messageId(id).build())
                    .whenComplete((ack, failure) -> {
                        outstanding.decrementAndGet();
                        if (failure != null) {
                            errors.incrementAndGet();
                        }
                    });
        }

        @Override
        public long errors() {
            return errors.get();
        }

        @Override
        public long outstanding() {
            return outstanding.get();
        }

        @Override
        public void close() {
            try {
                nats.flush(Duration.ofSeconds(2));
                nats.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** NATS core PUB on one connection (the nats-ws peer's publish path). */
    static final class NatsCorePublisher implements Publisher {
        private final Connection nats;
        private final String subject;

        NatsCorePublisher(String url, String subject) throws Exception {
            this.nats = Nats.connect(new Options.Builder().server(url).connectionName("bench-publisher")
                    .maxMessagesInOutgoingQueue(100_000).connectionTimeout(Duration.ofSeconds(5)).build());
            this.subject = subject;
        }

        @Override
        public void publish(String id, byte[] body) {
            nats.publish(subject, body);
        }

        @Override
        public long errors() {
            return 0;
        }

        @Override
        public long outstanding() {
            return 0;
        }

        @Override
        public void close() {
            try {
                nats.flush(Duration.ofSeconds(2));
                nats.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** HTTP POST of the text over a few keep-alive connections (node-ws, socketio, fastapi). */
    static final class HttpPublisher implements Publisher {
        private final HttpClient client;
        private final String path;
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong outstanding = new AtomicLong();

        HttpPublisher(Vertx vertx, String url) {
            URI u = URI.create(url);
            this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(u.getHost())
                    .setDefaultPort(u.getPort()).setKeepAlive(true).setMaxPoolSize(4).setTcpNoDelay(true));
            this.path = u.getRawPath();
        }

        @Override
        public void publish(String id, byte[] body) {
            outstanding.incrementAndGet();
            client.request(HttpMethod.POST, path)
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .compose(response -> response.statusCode() == 200 ? response.body()
                            : io.vertx.core.Future.failedFuture("HTTP " + response.statusCode()))
                    .onComplete(ar -> {
                        outstanding.decrementAndGet();
                        if (ar.failed()) {
                            errors.incrementAndGet();
                        }
                    });
        }

        @Override
        public long errors() {
            return errors.get();
        }

        @Override
        public long outstanding() {
            return outstanding.get();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Publishes at a target rate from its own thread: each event's {@code ts} is the time it is handed
     * to the client library, so time spent queueing behind a slow publish path counts as latency.
     */
    static final class RateDriver {
        private final Publisher publisher;
        private volatile boolean running;
        private Thread thread;
        private volatile long sent;
        private volatile long inWindow;
        private long serial;

        RateDriver(Publisher publisher) {
            this.publisher = publisher;
        }

        void start(double perSecond, long windowStart, long windowEnd) {
            stop();
            sent = 0;
            inWindow = 0;
            running = true;
            thread = new Thread(() -> run(perSecond, windowStart, windowEnd), "publisher");
            thread.setDaemon(true);
            thread.start();
        }

        private void run(double perSecond, long windowStart, long windowEnd) {
            long t0 = System.nanoTime();
            long count = 0;
            long window = 0;
            while (running) {
                long due = (long) ((System.nanoTime() - t0) * perSecond / 1e9);
                while (count < due && running) {
                    long ts = System.currentTimeMillis();
                    String id = Payload.newId();
                    publisher.publish(id, publisher.body(id, ts, serial++));
                    count++;
                    if (ts >= windowStart && ts < windowEnd) {
                        window++;
                    }
                }
                sent = count;
                inWindow = window;
                LockSupport.parkNanos(200_000);
            }
            sent = count;
            inWindow = window;
        }

        void stop() {
            running = false;
            if (thread != null) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                thread = null;
            }
        }

        long sent() {
            return sent;
        }

        long inWindow() {
            return inWindow;
        }
    }
}
