package io.leadline.leads.account;

import io.leadline.shared.security.Roles;

import java.util.Arrays;
import java.util.Optional;

/** Account roles; the wire name is also the JWT group. */
public enum Role {
    ADMIN(Roles.ADMIN, false),
    PROVIDER(Roles.PROVIDER, true),
    PROPERTY_MANAGER(Roles.PROPERTY_MANAGER, true),
    CUSTOMER(Roles.CUSTOMER, true);

    /** The roles a person may pick when registering: never admin. */
    public static final String SELF_SERVICE_PATTERN = Roles.PROVIDER + "|" + Roles.PROPERTY_MANAGER + "|" + Roles.CUSTOMER;

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
