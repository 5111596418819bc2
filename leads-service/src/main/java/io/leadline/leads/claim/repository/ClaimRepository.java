package io.leadline.leads.claim.repository;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.jdbc.Jdbc;
import io.leadline.leads.lead.service.LeadVisibility;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class ClaimRepository implements LeadVisibility.ClaimantCheck {

    private static final String COLUMNS =
            "id, lead_id, account_id, idempotency_key, price, status, balance_after, created_at, updated_at, payment_key";

    @Inject
    Jdbc jdbc;

    public Claim insertPending(long leadId, long accountId, String key, int price) {
        return jdbc.one("INSERT INTO claims (lead_id, account_id, idempotency_key, price, status, payment_key) "
                + "VALUES (?, ?, ?, ?, 'pending', ?) RETURNING " + COLUMNS, ClaimRepository::map,
                leadId, accountId, key, price, UUID.randomUUID()).orElseThrow();
    }

    public Optional<Claim> find(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM claims WHERE id = ?", ClaimRepository::map, id);
    }

    /** The live (pending or confirmed) claim an account made with this key, if any. */
    public Optional<Claim> findLiveByKey(long accountId, String key) {
        return jdbc.one("SELECT " + COLUMNS + " FROM claims WHERE account_id = ? AND idempotency_key = ? "
                + "AND status IN ('pending', 'confirmed')", ClaimRepository::map, accountId, key);
    }

    public Optional<Claim> findLive(long leadId, long accountId) {
        return jdbc.one("SELECT " + COLUMNS + " FROM claims WHERE lead_id = ? AND account_id = ? "
                + "AND status IN ('pending', 'confirmed')", ClaimRepository::map, leadId, accountId);
    }

    /** Slots taken: confirmed claims and reservations whose payment is under way. */
    public int countLive(long leadId) {
        return jdbc.one("SELECT count(*) FROM claims WHERE lead_id = ? AND status IN ('pending', 'confirmed')",
                row -> row.getInt(1), leadId).orElse(0);
    }

    public List<Long> confirmedClaimants(long leadId) {
        return jdbc.list("SELECT account_id FROM claims WHERE lead_id = ? AND status = 'confirmed' ORDER BY id",
                row -> row.getLong(1), leadId);
    }

    /** Moves a claim on only from the status the caller saw; false when somebody else moved it first. */
    public boolean transition(long id, ClaimStatus from, ClaimStatus to, Long balanceAfter, String outcome) {
        return jdbc.update("UPDATE claims SET status = ?, balance_after = COALESCE(?, balance_after), "
                + "outcome = COALESCE(?, outcome), updated_at = now() WHERE id = ? AND status = ?",
                to.wireName(), balanceAfter, outcome, id, from.wireName()) == 1;
    }

    /** Claims whose payment outcome must be settled: voided ones, and pending ones abandoned by a crash. */
    public List<Claim> toSettle(Instant pendingBefore, int limit) {
        return jdbc.list("SELECT " + COLUMNS + " FROM claims WHERE status = 'voiding' "
                + "OR (status = 'pending' AND updated_at < ?) ORDER BY id LIMIT ?", ClaimRepository::map,
                pendingBefore, limit);
    }

    @Override
    public boolean hasClaimed(long leadId, long accountId) {
        return jdbc.one("SELECT 1 FROM claims WHERE lead_id = ? AND account_id = ? AND status = 'confirmed'",
                row -> 1, leadId, accountId).isPresent();
    }

    private static Claim map(ResultSet row) throws SQLException {
        return new Claim(row.getLong("id"), row.getLong("lead_id"), row.getLong("account_id"),
                row.getString("idempotency_key"), row.getInt("price"),
                ClaimStatus.fromWireName(row.getString("status")), (Long) row.getObject("balance_after"),
                Jdbc.instant(row, "created_at"), Jdbc.instant(row, "updated_at"), row.getObject("payment_key", UUID.class));
    }
}
