package io.leadline.leads.account;

/** Role names as constants, for {@code @RolesAllowed}. */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String PROVIDER = "provider";
    public static final String PROPERTY_MANAGER = "property_manager";
    public static final String CUSTOMER = "customer";

    private Roles() {
    }
}
