package io.leadline.payments.wallet;

import java.util.Locale;

public enum LedgerKind {
    GRANT, DEBIT, CREDIT, TOP_UP, REFUND;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
