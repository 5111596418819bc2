package io.leadline.notify.security;

import io.agroal.api.AgroalDataSource;
import io.leadline.notify.gateway.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Short-lived single-use tickets that open one WebSocket each, in the {@code ws_tickets} table that
 * every notify instance shares. A ticket is 256 random bits; only its SHA-256 is stored, so the table
 * holds nothing that could open a socket. Blocking JDBC: never call it on an event loop.
 */
@ApplicationScoped
public class WsTickets {

    private static final Logger LOG = Logger.getLogger(WsTickets.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TICKET_TEXT = Base64.getUrlEncoder().withoutPadding();

    @Inject
    AgroalDataSource dataSource;

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
    public Issued issue(Holder holder) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = TICKET_TEXT.encodeToString(secret);
        long ttlMillis = config.ticketTtl().toMillis();
        String sql = """
                INSERT INTO ws_tickets (ticket_hash, user_id, roles, token_expires_at, expires_at)
                VALUES (?, ?, ?, ?, LEAST(now() + ? * INTERVAL '1 millisecond', to_timestamp(?)))""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setBytes(1, hash(ticket));
            insert.setString(2, holder.userId());
            insert.setString(3, String.join(",", holder.roles()));
            insert.setLong(4, holder.tokenExpiresAt());
            insert.setLong(5, ttlMillis);
            insert.setLong(6, holder.tokenExpiresAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a WebSocket ticket", e);
        }
        long tokenLeft = holder.tokenExpiresAt() - System.currentTimeMillis() / 1000;
        return new Issued(ticket, Math.max(0, Math.min(config.ticketTtl().toSeconds(), tokenLeft)));
    }

    /**
     * Takes a ticket: the one statement that deletes its row and returns it, so of two upgrades with
     * the same ticket (on any instances) exactly one gets the holder. Empty for an unknown, used or
     * expired ticket.
     */
    public Optional<Holder> consume(String ticket) {
        String sql = "DELETE FROM ws_tickets WHERE ticket_hash = ? AND expires_at > now() "
                + "RETURNING user_id, roles, token_expires_at";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setBytes(1, hash(ticket));
            try (ResultSet row = delete.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Set<String> roles = Arrays.stream(row.getString(2).split(",")).filter(role -> !role.isBlank())
                        .collect(Collectors.toUnmodifiableSet());
                return Optional.of(new Holder(row.getString(1), roles, row.getLong(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read WebSocket tickets", e);
        }
    }

    /** Expired tickets are useless; every instance sweeps them, which is harmless. */
    @Scheduled(every = "${leadline.gateway.ticket-prune-interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM ws_tickets WHERE expires_at <= now()")) {
            int pruned = delete.executeUpdate();
            if (pruned > 0) {
                LOG.debugf("pruned %d expired WebSocket tickets", pruned);
            }
        } catch (SQLException e) {
            LOG.warnf("cannot prune WebSocket tickets: %s", e.getMessage());
        }
    }

    static byte[] hash(String ticket) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
