package io.leadline.leads.account;

import java.util.Arrays;
import java.util.Optional;

/** Account roles; the wire name is also the JWT group. */
public enum Role {
    ADMIN("admin", false),
    PROVIDER("provider", true),
    PROPERTY_MANAGER("property_manager", true),
    CUSTOMER("customer", true);

    /** The roles a person may pick when registering: never admin. */
    public static final String SELF_SERVICE_PATTERN = "provider|property_manager|customer";

    private final String wireName;
    private final boolean selfService;

    Role(String wireName, boolean selfService) {
        this.wireName = wireName;
        this.selfService = selfService;
    }

    public String wireName() {
        return wireName;
    }

    public boolean selfService() {
        return selfService;
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values()).filter(role -> role.wireName.equals(name)).findFirst();
    }
}
