package io.leadline.payments.escrow.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
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
     * True when the account exists, within the configured time-out, without blocking a thread (call it
     * outside a transaction; the answer comes back on the caller's Vert.x context); no usable answer is a 503 problem.
     */
    public Uni<Boolean> exists(long userId) {
        String id = Long.toString(userId);
        return requests.ask(LeadsSubjects.USERS_EXIST, new UsersExistRequest(List.of(id)), UsersExistReply.class,
                        config.escrow().userCheckTimeout())
                .map(reply -> {
                    UsersExistReply answer = reply.orElseThrow(UserDirectory::unavailable);
                    return answer.existingUserIds() != null && answer.existingUserIds().contains(id);
                });
    }

    private static ProblemException unavailable() {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "cannot check seller_id now: the account directory (leads-service) did not answer; nothing was "
                        + "stored, try again");
    }
}
