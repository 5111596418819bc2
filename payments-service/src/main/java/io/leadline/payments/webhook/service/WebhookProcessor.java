package io.leadline.payments.webhook.service;

import io.leadline.payments.transaction.service.PaymentService;
import io.leadline.payments.transaction.service.PaymentService.Outcome;
import io.leadline.payments.transaction.service.PaymentService.SettleResult;
import io.leadline.payments.webhook.ProviderEvent;
import io.leadline.payments.webhook.repository.WebhookRepository;
import io.leadline.payments.webhook.service.WebhookService.WebhookOutcome;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.monitor.WebhookEvent;
import io.leadline.shared.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The transactional half of webhook handling: record, apply, announce, in one reactive transaction. */
@ApplicationScoped
public class WebhookProcessor {

    private static final Logger LOG = Logger.getLogger(WebhookProcessor.class);
    private static final int MAX_STORED_PAYLOAD = 64 * 1024;

    @Inject
    WebhookRepository webhooks;

    @Inject
    PaymentService payments;

    @Inject
    Outbox outbox;

    Uni<WebhookOutcome> process(ProviderEvent event, byte[] body) {
        return outbox.inTransaction(() -> webhooks.claim(event.provider(), event.eventId(), event.type(), payload(body))
                .flatMap(claimed -> {
                    if (claimed.isEmpty()) {
                        LOG.debugf("%s webhook %s seen before; acknowledged, nothing changed", event.provider(),
                                event.eventId());
                        return Uni.createFrom().item(new WebhookOutcome("duplicate", null));
                    }
                    return apply(event).flatMap(result -> finish(event, claimed.get(), result));
                }));
    }

    private Uni<SettleResult> apply(ProviderEvent event) {
        return switch (event.action()) {
            case SUCCEEDED -> payments.settle(event.provider(), event.reference(), true, event.amount(),
                    event.currency(), null);
            case FAILED -> payments.settle(event.provider(), event.reference(), false, event.amount(),
                    event.currency(), event.failureReason() == null ? event.type() : event.failureReason());
            case REFUNDED -> payments.providerRefund(event.provider(), event.reference(), event.amount(),
                    event.currency(), event.cumulative(), event.type(), event.refundKey());
            case IGNORED -> Uni.createFrom().nullItem();
        };
    }

    private Uni<WebhookOutcome> finish(ProviderEvent event, long claimed, SettleResult result) {
        String status;
        String error = null;
        if (result == null) {
            status = "ignored";
        } else if (result.outcome() == Outcome.REJECTED) {
            status = "failed";
            error = result.error();
        } else {
            status = "processed";
        }
        Long paymentId = result == null || result.payment() == null ? null : result.payment().id();
        EventType stage = "failed".equals(status) ? EventType.WEBHOOK_FAILED : EventType.WEBHOOK_PROCESSED;
        WebhookOutcome outcome = new WebhookOutcome(status, error);
        return webhooks.finish(claimed, status, error, paymentId)
                .chain(() -> outbox.appendAll(List.of(
                        new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_RECEIVED,
                                event.provider(), event.eventId(), event.type(), "received", null)),
                        new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(stage,
                                event.provider(), event.eventId(), event.type(), outcome.status(), outcome.error())))))
                .replaceWith(outcome);
    }

    /**
     * Records a verified event that we refuse (malformed, no amount or currency) as rejected, without
     * claiming its event id, and announces it, in a transaction of its own; answered 400. {@code eventId}
     * is the signed id when the payload had one; the payload is stored, as for every verified event.
     */
    Uni<WebhookOutcome> reject(String provider, String eventId, JsonNode tree, String error, byte[] body) {
        String id = label(eventId);
        String type = tree == null ? null : label(tree.path("stripe".equals(provider) ? "type" : "event"));
        return outbox.inTransaction(() -> webhooks.insertRejected(provider, id, type, error, payload(body))
                .chain(() -> outbox.appendAll(List.of(
                        new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_RECEIVED,
                                provider, id, type, "received", null)),
                        new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_FAILED,
                                provider, id, type, "rejected", error))))))
                .invoke(() -> LOG.infof("%s webhook %s refused: %s", provider, id, error))
                .replaceWith(WebhookOutcome.refused(error));
    }

    private static String label(JsonNode node) {
        return node.isTextual() ? label(node.asText()) : null;
    }

    private static String label(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        return text.length() > 100 ? text.substring(0, 100) : text;
    }

    private static String payload(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > MAX_STORED_PAYLOAD ? text.substring(0, MAX_STORED_PAYLOAD) : text;
    }
}
