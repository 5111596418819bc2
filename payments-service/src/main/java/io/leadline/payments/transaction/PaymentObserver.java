package io.leadline.payments.transaction;

import io.smallrye.mutiny.Uni;

/**
 * Follows payment changes in the transaction that made them (a bean implementing it is called for every
 * change, one observer after the other): what it writes commits or rolls back with the change.
 */
public interface PaymentObserver {

    Uni<Void> paymentChanged(PaymentStatusChanged change);
}
