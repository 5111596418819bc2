package io.leadline.leads.account.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.leads.account.repository.AccountRepository;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.BlockingResponder;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers {@link LeadsSubjects#USERS_EXIST} (payments-service, before an escrow names a seller): which
 * of the given ids are accounts. Off the NATS dispatcher thread on a small bounded pool, like
 * {@link UsersByRoleResponder}. A malformed request gets an empty list; when the answer cannot be
 * given (queue full, database failure) the reply has an empty body, which the caller turns into 503
 * at once instead of waiting for its time-out. The queue group spreads requests over all instances.
 */
@ApplicationScoped
public class UsersExistResponder {

    static final int WORKERS = 2;
    static final int QUEUE_CAPACITY = 64;
    private static final Logger LOG = Logger.getLogger(UsersExistResponder.class);
    private static final byte[] UNAVAILABLE = new byte[0];

    @Inject
    Connection nats;

    @Inject
    AccountRepository accounts;

    @Inject
    MeterRegistry registry;

    private BlockingResponder responder;

    void start(@Observes StartupEvent ignored) {
        responder = new BlockingResponder(nats, registry, "users-exist", WORKERS, QUEUE_CAPACITY)
                .answer(LeadsSubjects.USERS_EXIST, UsersByRoleResponder.QUEUE_GROUP, this::answer, UNAVAILABLE,
                        UNAVAILABLE, null);
        LOG.infof("answering %s", LeadsSubjects.USERS_EXIST);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (responder != null) {
            responder.stop();
        }
    }

    private byte[] answer(byte[] data) {
        Optional<List<Long>> ids = ids(data);
        if (ids.isEmpty()) {
            return JsonCodec.encode(new UsersExistReply(List.of()));
        }
        try {
            List<String> existing = accounts.existingIds(ids.get()).stream().map(String::valueOf).toList();
            return JsonCodec.encode(new UsersExistReply(existing));
        } catch (RuntimeException e) {
            LOG.warnf("cannot look up %d account ids: %s", ids.get().size(), e.toString());
            return UNAVAILABLE;
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
