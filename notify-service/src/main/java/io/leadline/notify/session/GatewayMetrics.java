package io.leadline.notify.session;

import io.leadline.notify.session.Subscriptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/** Gateway meters under {@code leadline.gateway.*}. */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    Subscriptions subscriptions;

    private final AtomicInteger open = new AtomicInteger();
    private Counter opened;
    private Counter framesIn;
    private Counter bytesIn;
    private Counter recoveries;
    private Counter slowConsumers;
    private Counter expired;
    private Counter escrowLookups;
    private Counter replaysRefused;

    @PostConstruct
    void init() {
        Gauge.builder("leadline.gateway.connections", open, AtomicInteger::get).register(registry);
        Gauge.builder("leadline.gateway.subscriptions", subscriptions, Subscriptions::subscriptionCount)
                .register(registry);
        opened = registry.counter("leadline.gateway.connections.opened");
        framesIn = registry.counter("leadline.gateway.frames.in");
        bytesIn = registry.counter("leadline.gateway.bytes.in");
        recoveries = registry.counter("leadline.gateway.recoveries");
        slowConsumers = registry.counter("leadline.gateway.slow.consumer.closes");
        expired = registry.counter("leadline.gateway.token.expired.closes");
        escrowLookups = Counter.builder("leadline.gateway.escrow.lookups")
                .description("subscribes to an escrow this instance did not know that read the escrow-parties bucket")
                .register(registry);
        replaysRefused = Counter.builder("leadline.gateway.replays.refused")
                .description("since subscriptions refused: another replay in flight, or over the connection's rate")
                .register(registry);
    }

    public void opened() {
        open.incrementAndGet();
        opened.increment();
    }

    public void closed() {
        open.decrementAndGet();
    }

    public void inbound(int chars) {
        framesIn.increment();
        bytesIn.increment(chars);
    }

    public void recovery() {
        recoveries.increment();
    }

    public void slowConsumer() {
        slowConsumers.increment();
    }

    public void tokenExpired() {
        expired.increment();
    }

    public void escrowLookup() {
        escrowLookups.increment();
    }

    public void replayRefused() {
        replaysRefused.increment();
    }
}
