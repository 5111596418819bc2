package io.leadline.notify.security;

import io.leadline.notify.session.GatewayConfig;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Short-lived single-use tickets that open one WebSocket each, in the {@code ws_tickets} table that
 * every notify instance shares. A ticket is 256 random bits; only its SHA-256 is stored, so the table
 * holds nothing that could open a socket. Non-blocking: every statement runs on Hibernate Reactive.
 */
@ApplicationScoped
public class WsTickets {

    private static final Logger LOG = Logger.getLogger(WsTickets.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TICKET_TEXT = Base64.getUrlEncoder().withoutPadding();

    @Inject
    GatewayConfig config;

    /** Who a ticket was issued to: the token's subject, its groups and its expiry (epoch seconds). */
    public record Holder(String userId, Set<String> roles, long tokenExpiresAt) {
    }

    /** A new ticket and how many seconds it may be used. */
    public record Issued(String ticket, long expiresInSeconds) {
    }

    /**
     * Issues a ticket for the holder of a token. It is valid for the configured time, and never beyond
     * the token itself.
     */
    public Uni<Issued> issue(Holder holder) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = TICKET_TEXT.encodeToString(secret);
        long tokenLeft = holder.tokenExpiresAt() - System.currentTimeMillis() / 1000;
        Issued issued = new Issued(ticket, Math.max(0, Math.min(config.ticketTtl().toSeconds(), tokenLeft)));
        return Panache.withTransaction(() -> NativeSql.execute("""
                        INSERT INTO ws_tickets (ticket_hash, user_id, roles, token_expires_at, expires_at)
                        VALUES (?, ?, ?, ?, LEAST(now() + ? * INTERVAL '1 millisecond', to_timestamp(?)))""",
                        hash(ticket), holder.userId(), String.join(",", holder.roles()), holder.tokenExpiresAt(),
                        config.ticketTtl().toMillis(), holder.tokenExpiresAt()))
                .replaceWith(issued);
    }

    /**
     * Takes a ticket: the one statement that deletes its row and returns it, so of two upgrades with
     * the same ticket (on any instances) exactly one gets the holder. Empty for an unknown, used or
     * expired ticket.
     */
    public Uni<Optional<Holder>> consume(String ticket) {
        return Panache.withTransaction(() -> NativeSql.row(WsTickets::readHolder,
                "DELETE FROM ws_tickets WHERE ticket_hash = ? AND expires_at > now() RETURNING " + HOLDER_COLUMNS,
                hash(ticket)));
    }

    /** What a ticket's row says of its holder, in the order {@link #readHolder} takes it. */
    private static final String HOLDER_COLUMNS = "user_id, roles, token_expires_at";

    private static Holder readHolder(NativeSql.Row row) {
        String userId = row.string();
        Set<String> roles = Arrays.stream(row.string().split(",")).filter(role -> !role.isBlank())
                .collect(Collectors.toUnmodifiableSet());
        return new Holder(userId, roles, row.longValue());
    }

    /** Expired tickets are useless; every instance sweeps them, which is harmless. */
    @Scheduled(every = "${leadline.gateway.ticket-prune-interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        return Panache.withTransaction(() -> NativeSql.execute("DELETE FROM ws_tickets WHERE expires_at <= now()"))
                .invoke(pruned -> {
                    if (pruned > 0) {
                        LOG.debugf("pruned %d expired WebSocket tickets", pruned);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("cannot prune WebSocket tickets: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    static byte[] hash(String ticket) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
