package io.leadline.leads.account.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.ReactiveResponder;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What other services may ask leads-service about its accounts, over NATS request-reply:
 * {@link LeadsSubjects#USERS_BY_ROLE} (notify-service's admin send to a role: the ids of every account
 * with the role) and {@link LeadsSubjects#USERS_EXIST} (payments-service before an escrow: which of the
 * given ids are accounts). Non-blocking: each request is answered on a Vert.x event loop
 * ({@link ReactiveResponder}) from a read on Hibernate Reactive, at most {@value #MAX_IN_FLIGHT} at a
 * time. A malformed request gets an empty list; when the answer cannot be given (too many under way,
 * database failure) the reply has an empty body, which the caller treats as "unavailable" at once
 * instead of waiting for its time-out. The queue group spreads requests over all running instances.
 */
@ApplicationScoped
public class AccountDirectoryResponder {

    public static final String QUEUE_GROUP = "leads-service";
    static final int MAX_IN_FLIGHT = 64;
    private static final Logger LOG = Logger.getLogger(AccountDirectoryResponder.class);
    private static final byte[] UNAVAILABLE = new byte[0];

    @Inject
    Connection nats;

    @Inject
    AccountRepository accounts;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private ReactiveResponder responder;

    void start(@Observes StartupEvent ignored) {
        responder = new ReactiveResponder(nats, registry, vertx, MAX_IN_FLIGHT)
                .answer(LeadsSubjects.USERS_BY_ROLE, QUEUE_GROUP, this::usersByRole, UNAVAILABLE, UNAVAILABLE, null)
                .answer(LeadsSubjects.USERS_EXIST, QUEUE_GROUP, this::usersExist, UNAVAILABLE, UNAVAILABLE, null);
        LOG.infof("answering %s and %s", LeadsSubjects.USERS_BY_ROLE, LeadsSubjects.USERS_EXIST);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (responder != null) {
            responder.stop();
        }
    }

    private Uni<byte[]> usersByRole(byte[] data) {
        Optional<Role> role = role(data);
        if (role.isEmpty()) {
            return Uni.createFrom().item(JsonCodec.encode(new UsersByRoleReply(List.of())));
        }
        return Panache.withTransaction(() -> accounts.idsByRole(role.get()))
                .map(ids -> JsonCodec.encode(new UsersByRoleReply(ids.stream().map(String::valueOf).toList())))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("cannot list the accounts of role %s: %s", role.get().wireName(), e.toString());
                    return UNAVAILABLE;
                });
    }

    private Uni<byte[]> usersExist(byte[] data) {
        Optional<List<Long>> ids = ids(data);
        if (ids.isEmpty()) {
            return Uni.createFrom().item(JsonCodec.encode(new UsersExistReply(List.of())));
        }
        return Panache.withTransaction(() -> accounts.existingIds(ids.get()))
                .map(existing -> JsonCodec.encode(new UsersExistReply(existing.stream().map(String::valueOf).toList())))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("cannot look up %d account ids: %s", ids.get().size(), e.toString());
                    return UNAVAILABLE;
                });
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

    /**
     * The positive numeric ids asked about (anything else cannot be an account and is simply not
     * found); empty for a malformed request: not an object with a list of at most
     * {@link UsersExistRequest#MAX_IDS} strings.
     */
    static Optional<List<Long>> ids(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode list = JsonCodec.tree(data).path("user_ids");
            if (!list.isArray() || list.size() > UsersExistRequest.MAX_IDS) {
                return Optional.empty();
            }
            List<Long> ids = new ArrayList<>();
            for (JsonNode id : list) {
                if (!id.isTextual()) {
                    return Optional.empty();
                }
                if (id.asText().matches("[1-9][0-9]{0,17}")) {
                    ids.add(Long.parseLong(id.asText()));
                }
            }
            return Optional.of(ids);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
