package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.shared.web.ProblemException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.List;

/** Asks leads-service, which owns the accounts, for the ids of every user with a role (NATS request-reply). */
@ApplicationScoped
public class UsersByRole {

    private static final Logger LOG = Logger.getLogger(UsersByRole.class);

    @Inject
    Connection nats;

    @Inject
    InboxConfig config;

    /** Waits (without blocking) for at most the configured time-out; no answer is a 503 problem. */
    public Uni<List<String>> userIds(String role) {
        return Uni.createFrom().completionStage(() -> nats.requestWithTimeout(LeadsSubjects.USERS_BY_ROLE,
                        JsonCodec.encode(new UsersByRoleRequest(role)), config.usersByRoleTimeout()))
                .onFailure().transform(e -> {
                    LOG.warnf("users-by-role request failed: %s", e.toString());
                    return unavailable();
                })
                .map(UsersByRole::idsOf);
    }

    private static List<String> idsOf(Message reply) {
        if (reply == null || reply.isStatusMessage() || reply.getData() == null || reply.getData().length == 0) {
            throw unavailable();
        }
        UsersByRoleReply answer;
        try {
            answer = JsonCodec.decode(reply.getData(), UsersByRoleReply.class);
        } catch (RuntimeException e) {
            LOG.warnf("unreadable users-by-role reply: %s", e.toString());
            throw unavailable();
        }
        List<String> ids = answer.userIds() == null ? List.of() : answer.userIds();
        return ids.stream().filter(Channels::isId).distinct().toList();
    }

    private static ProblemException unavailable() {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "the user directory (leads-service) did not answer; nothing was sent, try again");
    }
}
