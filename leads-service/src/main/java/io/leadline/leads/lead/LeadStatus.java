package io.leadline.leads.lead;

import java.util.Arrays;
import java.util.Optional;

/** new → verified → distributed → full | expired | closed. */
public enum LeadStatus {
    NEW("new"),
    VERIFIED("verified"),
    DISTRIBUTED("distributed"),
    FULL("full"),
    EXPIRED("expired"),
    CLOSED("closed");

    public static final String PATTERN = "new|verified|distributed|full|expired|closed";

    private final String wireName;

    LeadStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<LeadStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(status -> status.wireName.equals(name)).findFirst();
    }
}
