package io.leadline.shared.rpc;

/** Request-reply subjects answered by leads-service. */
public final class LeadsSubjects {

    /** The ids of every account with a role: {@link UsersByRoleRequest} → {@link UsersByRoleReply}. */
    public static final String USERS_BY_ROLE = "svc.leads.users-by-role";

    private LeadsSubjects() {
    }
}
