package io.leadline.leads.claim.repository;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.lead.service.LeadVisibility;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** {@code claims} on Hibernate Reactive; every method runs in the caller's reactive transaction. */
@ApplicationScoped
public class ClaimRepository implements PanacheRepositoryBase<StoredClaim, Long>, LeadVisibility.ClaimantCheck {

    static final String COLUMNS = "id, lead_id, account_id, idempotency_key, price, status, balance_after, "
            + "created_at, updated_at, payment_key";

    public Uni<Claim> insertPending(long leadId, long accountId, String key, int price) {
        return one("INSERT INTO claims (lead_id, account_id, idempotency_key, price, status, payment_key) "
                + "VALUES (?, ?, ?, ?, 'pending', CAST(? AS uuid)) RETURNING " + COLUMNS,
                leadId, accountId, key, price, UUID.randomUUID().toString()).map(Optional::orElseThrow);
    }

    public Uni<Optional<Claim>> findClaim(long id) {
        return one("SELECT " + COLUMNS + " FROM claims WHERE id = ?", id);
    }

    /**
     * In one statement, every live (pending or confirmed) claim a reservation must know about: the
     * account's claim under this key, on whatever lead, and every live claim on the lead.
     */
    public Uni<LiveClaims> findLiveFor(long leadId, long accountId, String key) {
        return NativeSql.rows(StoredClaim::read, "SELECT " + COLUMNS + " FROM claims "
                        + "WHERE status IN ('pending', 'confirmed') "
                        + "AND (lead_id = ? OR (account_id = ? AND idempotency_key = ?))", leadId, accountId, key)
                .map(found -> new LiveClaims(leadId, accountId, key, found));
    }

    /** What {@link #findLiveFor} found. */
    public record LiveClaims(long leadId, long accountId, String key, List<Claim> claims) {

        /** The live claim the account made with this key, if any. */
        public Optional<Claim> underKey() {
            return claims.stream().filter(claim -> claim.accountId() == accountId && key.equals(claim.idempotencyKey()))
                    .findFirst();
        }

        /** The account's live claim on the lead, if any. */
        public Optional<Claim> byAccount() {
            return onLead().filter(claim -> claim.accountId() == accountId).findFirst();
        }

        /** Slots taken: confirmed claims and reservations whose payment is under way. */
        public int taken() {
            return (int) onLead().count();
        }

        private Stream<Claim> onLead() {
            return claims.stream().filter(claim -> claim.leadId() == leadId);
        }
    }

    public Uni<List<Long>> confirmedClaimants(long leadId) {
        return NativeSql.<Number>scalars("SELECT account_id FROM claims WHERE lead_id = ? AND status = 'confirmed' "
                + "ORDER BY id", leadId).map(ids -> ids.stream().map(Number::longValue).toList());
    }

    /** Moves a claim on only from the status the caller saw; false when somebody else moved it first. */
    public Uni<Boolean> transition(long id, ClaimStatus from, ClaimStatus to, Long balanceAfter, String outcome) {
        return NativeSql.execute("UPDATE claims SET status = ?, balance_after = COALESCE(CAST(? AS bigint), balance_after), "
                + "outcome = COALESCE(CAST(? AS text), outcome), updated_at = now() WHERE id = ? AND status = ?",
                to.wireName(), balanceAfter, outcome, id, from.wireName()).map(changed -> changed == 1);
    }

    /** Claims whose payment outcome must be settled: voided ones, and pending ones abandoned by a crash. */
    public Uni<List<Claim>> toSettle(Instant pendingBefore, int limit) {
        return NativeSql.rows(StoredClaim::read, "SELECT " + COLUMNS + " FROM claims WHERE status = 'voiding' "
                + "OR (status = 'pending' AND updated_at < ?) ORDER BY id LIMIT ?", pendingBefore, limit);
    }

    @Override
    public Uni<Boolean> hasClaimed(long leadId, long accountId) {
        return NativeSql.<Number>scalars("SELECT 1 FROM claims WHERE lead_id = ? AND account_id = ? "
                + "AND status = 'confirmed'", leadId, accountId).map(rows -> !rows.isEmpty());
    }

    private static Uni<Optional<Claim>> one(String sql, Object... params) {
        return NativeSql.row(StoredClaim::read, sql, params);
    }
}
