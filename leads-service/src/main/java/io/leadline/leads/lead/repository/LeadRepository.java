package io.leadline.leads.lead.repository;

import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.NewLead;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code leads} on Hibernate Reactive. Every method runs in the caller's reactive transaction; the
 * statements are native where a lead needs {@code RETURNING} or a row lock ({@code FOR UPDATE},
 * {@code SKIP LOCKED}).
 */
@ApplicationScoped
public class LeadRepository implements PanacheRepositoryBase<StoredLead, Long> {

    static final String COLUMNS = """
            id, title, description, category, contact_name, contact_email, contact_phone, city, state, zip,
            property_type, units, urgency, status, price, max_claims, claim_count, created_at, verified_at""";

    public Uni<Lead> insert(NewLead lead) {
        return one("""
                INSERT INTO leads (title, description, category, contact_name, contact_email, contact_phone,
                                   city, state, zip, property_type, units, urgency, price, max_claims)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""" + " RETURNING " + COLUMNS,
                lead.title(), lead.description(), lead.category(), lead.contact().name(), lead.contact().email(),
                lead.contact().phone(), lead.city(), lead.state(), lead.zip(), lead.propertyType(), lead.units(),
                lead.urgency(), lead.price(), lead.maxClaims()).map(Optional::orElseThrow);
    }

    public Uni<Optional<Lead>> findLead(long id) {
        return one("SELECT " + COLUMNS + " FROM leads WHERE id = ?", id);
    }

    /** Reads the lead and locks its row until the transaction ends: status changes and claims queue up here. */
    public Uni<Optional<Lead>> findForUpdate(long id) {
        return one("SELECT " + COLUMNS + " FROM leads WHERE id = ? FOR UPDATE", id);
    }

    public Uni<Lead> markVerified(long id, LeadStatus status) {
        return one("UPDATE leads SET status = ?, verified_at = now() WHERE id = ? RETURNING " + COLUMNS,
                status.wireName(), id).map(Optional::orElseThrow);
    }

    public Uni<Lead> updateStatus(long id, LeadStatus status) {
        return one("UPDATE leads SET status = ? WHERE id = ? RETURNING " + COLUMNS, status.wireName(), id)
                .map(Optional::orElseThrow);
    }

    /**
     * Expires one verified or distributed lead verified before {@code verifiedBefore}, if there is one
     * nobody else holds: {@code SKIP LOCKED} lets several instances (and claims holding a lead's row)
     * work side by side. Runs in the caller's transaction; returns the expired lead's id.
     */
    public Uni<Optional<Long>> expireOne(Instant verifiedBefore) {
        return NativeSql.<Number>scalar("""
                UPDATE leads SET status = 'expired'
                WHERE id = (SELECT id FROM leads
                            WHERE status IN ('verified', 'distributed') AND verified_at < ?
                            ORDER BY verified_at, id LIMIT 1
                            FOR UPDATE SKIP LOCKED)
                RETURNING id""", verifiedBefore).map(id -> id.map(Number::longValue));
    }

    /** Counts one more confirmed claim; the lead turns full with the last one. */
    public Uni<Lead> recordClaim(long id) {
        return one("""
                UPDATE leads SET claim_count = claim_count + 1,
                    status = CASE WHEN claim_count + 1 >= max_claims THEN 'full' ELSE status END
                WHERE id = ?""" + " RETURNING " + COLUMNS, id).map(Optional::orElseThrow);
    }

    /** One page and the total; the caller's transaction should read one snapshot for both to agree. */
    public Uni<Page> list(LeadFilter filter, int page, int size) {
        List<String> visible = filter.visible().stream().map(LeadStatus::wireName).toList();
        StringBuilder where = new StringBuilder(" WHERE status IN (" + NativeSql.placeholders(visible) + ")");
        List<Object> params = new ArrayList<>(visible);
        if (filter.status() != null) {
            where.append(" AND status = ?");
            params.add(filter.status().wireName());
        }
        if (filter.category() != null) {
            where.append(" AND category = ?");
            params.add(filter.category());
        }
        if (filter.state() != null) {
            where.append(" AND state = ?");
            params.add(filter.state());
        }
        if (filter.city() != null) {
            where.append(" AND lower(city) = lower(?)");
            params.add(filter.city());
        }
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add((long) page * size);
        return NativeSql.<Number>scalar("SELECT count(*) FROM leads" + where, params.toArray())
                .flatMap(total -> NativeSql.rows(StoredLead::read,
                                "SELECT " + COLUMNS + " FROM leads" + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                pageParams.toArray())
                        .map(rows -> new Page(rows,
                                total.map(Number::longValue).orElse(0L))));
    }

    public record Page(List<Lead> items, long total) {
    }

    private static Uni<Optional<Lead>> one(String sql, Object... params) {
        return NativeSql.row(StoredLead::read, sql, params);
    }
}
