package io.leadline.payments.escrow.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * Asks leads-service, which owns the accounts, whether a user exists ({@code svc.leads.users-exist},
 * NATS request-reply). This service has no account table of its own and must not read leads'.
 */
@ApplicationScoped
public class UserDirectory {

    @Inject
    RequestReplyClient requests;

    @Inject
    PaymentsConfig config;

    /**
     * True when the account exists. Blocks for at most the configured time-out (call it off the event
     * loop and outside a transaction); no usable answer is a 503 problem.
     */
    public boolean exists(long userId) {
        String id = Long.toString(userId);
        UsersExistReply answer = requests.request(LeadsSubjects.USERS_EXIST, new UsersExistRequest(List.of(id)),
                UsersExistReply.class, config.escrow().userCheckTimeout()).orElseThrow(UserDirectory::unavailable);
        return answer.existingUserIds() != null && answer.existingUserIds().contains(id);
    }

    private static ProblemException unavailable() {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "cannot check seller_id now: the account directory (leads-service) did not answer; nothing was "
                        + "stored, try again");
    }
}
