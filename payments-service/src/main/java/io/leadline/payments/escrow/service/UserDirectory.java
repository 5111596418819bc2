package io.leadline.payments.escrow.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.shared.web.ProblemException;
import io.nats.client.Connection;
import io.nats.client.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Asks leads-service, which owns the accounts, whether a user exists ({@code svc.leads.users-exist},
 * NATS request-reply). This service has no account table of its own and must not read leads'.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);

    @Inject
    Connection nats;

    @Inject
    PaymentsConfig config;

    /**
     * True when the account exists. Blocks for at most the configured time-out (call it off the event
     * loop and outside a transaction); no usable answer is a 503 problem.
     */
    public boolean exists(long userId) {
        String id = Long.toString(userId);
        Message reply;
        try {
            reply = nats.request(LeadsSubjects.USERS_EXIST, JsonCodec.encode(new UsersExistRequest(List.of(id))),
                    config.escrow().userCheckTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (RuntimeException e) {
            // no responders, connection down
            LOG.warnf("users-exist request failed: %s", e.toString());
            throw unavailable();
        }
        if (reply == null || reply.isStatusMessage() || reply.getData() == null || reply.getData().length == 0) {
            throw unavailable();
        }
        UsersExistReply answer;
        try {
            answer = JsonCodec.decode(reply.getData(), UsersExistReply.class);
        } catch (RuntimeException e) {
            LOG.warnf("unreadable users-exist reply: %s", e.toString());
            throw unavailable();
        }
        return answer.existingUserIds() != null && answer.existingUserIds().contains(id);
    }

    private static ProblemException unavailable() {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "cannot check seller_id now: the account directory (leads-service) did not answer; nothing was "
                        + "stored, try again");
    }
}
