package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Asks leads-service, which owns the accounts, for the ids of every user with a role (NATS request-reply). */
@ApplicationScoped
public class UsersByRole {

    @Inject
    RequestReplyClient requests;

    @Inject
    InboxConfig config;

    /** Waits (without blocking) for at most the configured time-out; no answer is a 503 problem. */
    public Uni<List<String>> userIds(String role) {
        return requests.ask(LeadsSubjects.USERS_BY_ROLE, new UsersByRoleRequest(role), UsersByRoleReply.class,
                        config.usersByRoleTimeout())
                .map(reply -> idsOf(reply.orElseThrow(UsersByRole::unavailable)));
    }

    private static List<String> idsOf(UsersByRoleReply answer) {
        List<String> ids = answer.userIds() == null ? List.of() : answer.userIds();
        return ids.stream().filter(Channels::isId).distinct().toList();
    }

    private static ProblemException unavailable() {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "the user directory (leads-service) did not answer; nothing was sent, try again");
    }
}
