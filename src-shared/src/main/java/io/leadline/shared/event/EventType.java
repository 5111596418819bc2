package io.leadline.shared.event;

import io.leadline.shared.event.Channels.ChannelKind;
import io.leadline.shared.event.escrow.ConfirmationAdded;
import io.leadline.shared.event.escrow.DisputeRaised;
import io.leadline.shared.event.escrow.EscrowUpdate;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadClaimed;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.leads.LeadDistributed;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.monitor.RefundProcessed;
import io.leadline.shared.event.monitor.TransactionEvent;
import io.leadline.shared.event.monitor.WebhookEvent;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.event.user.NotificationRead;

import java.util.HashMap;
import java.util.Map;

/**
 * Every event the platform publishes: its wire name, the record that carries its data, the kind of
 * channel it travels on, for {@code payments.monitor} the filter kind a subscriber may select, and the
 * service that owns it (the only one allowed to publish it).
 */
public enum EventType {
    // user.{id}
    NOTIFICATION_MESSAGE("notification_message", NotificationMessage.class, ChannelKind.USER, null, Owner.NOTIFY),
    LEAD_ALERT("lead_alert", LeadAlert.class, ChannelKind.USER, null, Owner.LEADS),
    LEAD_DISTRIBUTED("lead_distributed", LeadDistributed.class, ChannelKind.USER, null, Owner.LEADS),
    BALANCE_UPDATED("balance_updated", BalanceUpdated.class, ChannelKind.USER, null, Owner.PAYMENTS),
    NOTIFICATION_READ("notification_read", NotificationRead.class, ChannelKind.USER, null, Owner.NOTIFY),
    // leads
    LEAD_CREATED("lead_created", LeadCreated.class, ChannelKind.LEADS, null, Owner.LEADS),
    LEAD_CLAIMED("lead_claimed", LeadClaimed.class, ChannelKind.LEADS, null, Owner.LEADS),
    // escrow.{id}
    ESCROW_UPDATE("escrow_update", EscrowUpdate.class, ChannelKind.ESCROW, null, Owner.PAYMENTS),
    PAYMENT_STATUS("payment_status", PaymentStatus.class, ChannelKind.ESCROW, null, Owner.PAYMENTS),
    STATUS_CHANGE("status_change", StatusChange.class, ChannelKind.ESCROW, null, Owner.PAYMENTS),
    CONFIRMATION_ADDED("confirmation_added", ConfirmationAdded.class, ChannelKind.ESCROW, null, Owner.PAYMENTS),
    DISPUTE_RAISED("dispute_raised", DisputeRaised.class, ChannelKind.ESCROW, null, Owner.PAYMENTS),
    // payments.monitor
    TRANSACTION_CREATED("transaction_created", TransactionEvent.class, ChannelKind.PAYMENTS_MONITOR, "transactions", Owner.PAYMENTS),
    TRANSACTION_UPDATED("transaction_updated", TransactionEvent.class, ChannelKind.PAYMENTS_MONITOR, "transactions", Owner.PAYMENTS),
    REFUND_PROCESSED("refund_processed", RefundProcessed.class, ChannelKind.PAYMENTS_MONITOR, "transactions", Owner.PAYMENTS),
    METRICS_UPDATED("metrics_updated", MetricsUpdated.class, ChannelKind.PAYMENTS_MONITOR, "metrics", Owner.PAYMENTS),
    WEBHOOK_RECEIVED("webhook_received", WebhookEvent.class, ChannelKind.PAYMENTS_MONITOR, "webhooks", Owner.PAYMENTS),
    WEBHOOK_PROCESSED("webhook_processed", WebhookEvent.class, ChannelKind.PAYMENTS_MONITOR, "webhooks", Owner.PAYMENTS),
    WEBHOOK_FAILED("webhook_failed", WebhookEvent.class, ChannelKind.PAYMENTS_MONITOR, "webhooks", Owner.PAYMENTS),
    FRAUD_ALERT("fraud_alert", FraudAlert.class, ChannelKind.PAYMENTS_MONITOR, "fraud", Owner.PAYMENTS);

    private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;
    private final Class<? extends Event> dataClass;
    private final ChannelKind channelKind;
    private final String monitorKind;
    private final Owner owner;

    EventType(String wireName, Class<? extends Event> dataClass, ChannelKind channelKind, String monitorKind,
            Owner owner) {
        this.wireName = wireName;
        this.dataClass = dataClass;
        this.channelKind = channelKind;
        this.monitorKind = monitorKind;
        this.owner = owner;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends Event> dataClass() {
        return dataClass;
    }

    public ChannelKind channelKind() {
        return channelKind;
    }

    /** The {@code payments.monitor} filter kind (transactions, webhooks, fraud, metrics), else null. */
    public String monitorKind() {
        return monitorKind;
    }

    /** The service that publishes this event, and whose token its subject carries. */
    public Owner owner() {
        return owner;
    }

    public static EventType fromWireName(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }
}
