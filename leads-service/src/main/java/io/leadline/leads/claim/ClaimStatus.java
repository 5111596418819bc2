package io.leadline.leads.claim;

public enum ClaimStatus {
    PENDING, CONFIRMED, VOIDING, RELEASED;

    public String wireName() {
        return name().toLowerCase();
    }

    public static ClaimStatus fromWireName(String name) {
        return valueOf(name.toUpperCase());
    }
}
