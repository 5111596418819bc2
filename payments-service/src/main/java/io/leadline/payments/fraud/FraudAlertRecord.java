package io.leadline.payments.fraud;

import java.time.Instant;

/** A stored alert; {@code details} is the JSON sent in the {@code fraud_alert} event. */
public record FraudAlertRecord(long id, String rule, String severity, long customerId, Long transactionId,
        String details, Instant windowStart, Instant createdAt) {
}
