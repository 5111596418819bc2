package io.leadline.shared.event.user;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A wallet balance changed; amounts are in credits. */
public record BalanceUpdated(long newBalance, long previousBalance, long change, String reason, String reference)
        implements Event {

    @Override
    public EventType eventType() {
        return EventType.BALANCE_UPDATED;
    }
}
