package io.leadline.payments.escrow;

import java.util.EnumSet;
import java.util.Set;

/** The escrow state machine: each status names the statuses it may move to. */
public enum EscrowStatus {
    INITIATED, HELD, RELEASED, REFUNDED, DISPUTED;

    public Set<EscrowStatus> next() {
        return switch (this) {
            case INITIATED -> EnumSet.of(HELD);
            case HELD -> EnumSet.of(RELEASED, REFUNDED, DISPUTED);
            case DISPUTED -> EnumSet.of(RELEASED, REFUNDED);
            case RELEASED, REFUNDED -> EnumSet.noneOf(EscrowStatus.class);
        };
    }

    public boolean canMoveTo(EscrowStatus target) {
        return next().contains(target);
    }
}
