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
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The transactional half of webhook handling: record, apply, announce. */
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

    @Transactional
    WebhookOutcome process(ProviderEvent event, byte[] body) {
        Optional<Long> claimed = webhooks.claim(event.provider(), event.eventId(), event.type(), payload(body));
        if (claimed.isEmpty()) {
            LOG.debugf("%s webhook %s seen before; acknowledged, nothing changed", event.provider(), event.eventId());
            return new WebhookOutcome("duplicate", null);
        }
        SettleResult result = switch (event.action()) {
            case SUCCEEDED -> payments.settle(event.provider(), event.reference(), true, event.amount(),
                    event.currency(), null);
            case FAILED -> payments.settle(event.provider(), event.reference(), false, event.amount(),
                    event.currency(), event.failureReason() == null ? event.type() : event.failureReason());
            case REFUNDED -> payments.providerRefund(event.provider(), event.reference(), event.amount(),
                    event.currency(), event.cumulative(), event.type(), event.refundKey());
            case IGNORED -> null;
        };
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
        webhooks.finish(claimed.get(), status, error, paymentId);
        EventType stage = "failed".equals(status) ? EventType.WEBHOOK_FAILED : EventType.WEBHOOK_PROCESSED;
        outbox.appendAll(List.of(
                new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_RECEIVED,
                        event.provider(), event.eventId(), event.type(), "received", null)),
                new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(stage,
                        event.provider(), event.eventId(), event.type(), status, error))));
        return new WebhookOutcome(status, error);
    }

    /**
     * Records a verified event that we refuse (malformed, no amount or currency) as rejected, without
     * claiming its event id, and announces it; answered 400. {@code eventId} is the signed id when
     * the payload had one; the payload is stored, as for every verified event.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    WebhookOutcome reject(String provider, String eventId, JsonNode tree, String error, byte[] body) {
        String id = label(eventId);
        String type = tree == null ? null : label(tree.path("stripe".equals(provider) ? "type" : "event"));
        webhooks.insertRejected(provider, id, type, error, payload(body));
        outbox.appendAll(List.of(
                new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_RECEIVED,
                        provider, id, type, "received", null)),
                new Outbox.Pending(Channels.PAYMENTS_MONITOR, new WebhookEvent(EventType.WEBHOOK_FAILED,
                        provider, id, type, "rejected", error))));
        LOG.infof("%s webhook %s refused: %s", provider, id, error);
        return WebhookOutcome.refused(error);
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
