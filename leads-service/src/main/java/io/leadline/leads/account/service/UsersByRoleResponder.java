package io.leadline.leads.account.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.BlockingResponder;
import io.micrometer.core.instrument.MeterRegistry;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.nats.client.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Answers {@link LeadsSubjects#USERS_BY_ROLE} (notify-service's admin send to a role): the ids of every
 * account with the role. The NATS dispatcher thread only hands the request to a small bounded pool,
 * because the database query blocks. A malformed request or an unknown role gets an empty list; when
 * the answer cannot be given (queue full, database failure) the reply has an empty body, which the
 * caller treats as "unavailable, nothing sent" at once instead of waiting for its time-out.
 * The queue group spreads requests over all running instances.
 */
@ApplicationScoped
public class UsersByRoleResponder {

    public static final String QUEUE_GROUP = "leads-service";
    static final int WORKERS = 2;
    static final int QUEUE_CAPACITY = 64;
    private static final Logger LOG = Logger.getLogger(UsersByRoleResponder.class);
    private static final byte[] UNAVAILABLE = new byte[0];

    @Inject
    Connection nats;

    @Inject
    AccountRepository accounts;

    @Inject
    MeterRegistry registry;

    private BlockingResponder responder;

    void start(@Observes StartupEvent ignored) {
        responder = new BlockingResponder(nats, registry, "users-by-role", WORKERS, QUEUE_CAPACITY)
                .answer(LeadsSubjects.USERS_BY_ROLE, QUEUE_GROUP, this::answer, UNAVAILABLE, UNAVAILABLE, null);
        LOG.infof("answering %s", LeadsSubjects.USERS_BY_ROLE);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (responder != null) {
            responder.stop();
        }
    }

    private byte[] answer(byte[] data) {
        Optional<Role> role = role(data);
        if (role.isEmpty()) {
            return JsonCodec.encode(new UsersByRoleReply(List.of()));
        }
        try {
            List<String> ids = accounts.idsByRole(role.get()).stream().map(String::valueOf).toList();
            return JsonCodec.encode(new UsersByRoleReply(ids));
        } catch (RuntimeException e) {
            LOG.warnf("cannot list the accounts of role %s: %s", role.get().wireName(), e.toString());
            return UNAVAILABLE;
        }
    }

    /** The role asked for; empty for a malformed request or an unknown role. */
    static Optional<Role> role(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode tree = JsonCodec.tree(data);
            if (!tree.isObject() || !tree.path("role").isTextual()) {
                return Optional.empty();
            }
            UsersByRoleRequest request = JsonCodec.mapper().treeToValue(tree, UsersByRoleRequest.class);
            return Role.fromWireName(request.role());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

}
