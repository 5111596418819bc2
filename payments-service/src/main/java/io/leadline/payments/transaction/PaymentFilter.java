package io.leadline.payments.transaction;

import java.time.Instant;

/** Optional filters of the admin transaction list; null means any. */
public record PaymentFilter(String status, String provider, String kind, Long customerId, Instant from, Instant to) {
}
