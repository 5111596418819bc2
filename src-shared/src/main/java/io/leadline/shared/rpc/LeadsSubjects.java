package io.leadline.shared.rpc;

/** Request-reply subjects answered by leads-service. */
public final class LeadsSubjects {

    /** Every subject leads-service answers on: what its NATS user may subscribe to. */
    public static final String ALL = "svc.leads.>";

    /** The ids of every account with a role: {@link UsersByRoleRequest} → {@link UsersByRoleReply}. */
    public static final String USERS_BY_ROLE = "svc.leads.users-by-role";

    /**
     * Which of some user ids are accounts: {@link UsersExistRequest} → {@link UsersExistReply}
     * (payments-service, before an escrow names a seller). An empty reply body means leads-service
     * could not answer; the caller treats it like no answer at all.
     */
    public static final String USERS_EXIST = "svc.leads.users-exist";

    private LeadsSubjects() {
    }
}
