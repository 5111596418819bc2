package io.leadline.shared.security;

/**
 * Role names: the JWT {@code groups} value leads-service issues and every service checks (also in
 * {@code @RolesAllowed}, hence constants rather than an enum).
 */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String PROVIDER = "provider";
    public static final String PROPERTY_MANAGER = "property_manager";
    public static final String CUSTOMER = "customer";

    private Roles() {
    }
}
