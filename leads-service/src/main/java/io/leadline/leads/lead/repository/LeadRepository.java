package io.leadline.leads.lead.repository;

import io.leadline.leads.jdbc.Jdbc;
import io.leadline.leads.lead.Contact;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.NewLead;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class LeadRepository {

    private static final String COLUMNS = """
            id, title, description, category, contact_name, contact_email, contact_phone, city, state, zip,
            property_type, units, urgency, status, price, max_claims, claim_count, created_at, verified_at""";

    @Inject
    Jdbc jdbc;

    public Lead insert(NewLead lead) {
        return jdbc.one("""
                INSERT INTO leads (title, description, category, contact_name, contact_email, contact_phone,
                                   city, state, zip, property_type, units, urgency, price, max_claims)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""" + " RETURNING " + COLUMNS,
                LeadRepository::map,
                lead.title(), lead.description(), lead.category(), lead.contact().name(), lead.contact().email(),
                lead.contact().phone(), lead.city(), lead.state(), lead.zip(), lead.propertyType(), lead.units(),
                lead.urgency(), lead.price(), lead.maxClaims()).orElseThrow();
    }

    public Optional<Lead> find(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM leads WHERE id = ?", LeadRepository::map, id);
    }

    /** Reads the lead and locks its row until the transaction ends: status changes and claims queue up here. */
    public Optional<Lead> findForUpdate(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM leads WHERE id = ? FOR UPDATE", LeadRepository::map, id);
    }

    public Lead markVerified(long id, LeadStatus status) {
        return jdbc.one("UPDATE leads SET status = ?, verified_at = now() WHERE id = ? RETURNING " + COLUMNS,
                LeadRepository::map, status.wireName(), id).orElseThrow();
    }

    public Lead updateStatus(long id, LeadStatus status) {
        return jdbc.one("UPDATE leads SET status = ? WHERE id = ? RETURNING " + COLUMNS, LeadRepository::map,
                status.wireName(), id).orElseThrow();
    }

    /**
     * Expires one verified or distributed lead verified before {@code verifiedBefore}, if there is one
     * nobody else holds: {@code SKIP LOCKED} lets several instances (and claims holding a lead's row)
     * work side by side. Runs in the caller's transaction; returns the expired lead's id.
     */
    public Optional<Long> expireOne(Instant verifiedBefore) {
        return jdbc.one("""
                UPDATE leads SET status = 'expired'
                WHERE id = (SELECT id FROM leads
                            WHERE status IN ('verified', 'distributed') AND verified_at < ?
                            ORDER BY verified_at, id LIMIT 1
                            FOR UPDATE SKIP LOCKED)
                RETURNING id""", row -> row.getLong(1), verifiedBefore);
    }

    /** Counts one more confirmed claim; the lead turns full with the last one. */
    public Lead recordClaim(long id) {
        return jdbc.one("""
                UPDATE leads SET claim_count = claim_count + 1,
                    status = CASE WHEN claim_count + 1 >= max_claims THEN 'full' ELSE status END
                WHERE id = ?""" + " RETURNING " + COLUMNS, LeadRepository::map, id).orElseThrow();
    }

    public Page list(LeadFilter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE status = ANY (?)");
        List<Object> params = new ArrayList<>();
        params.add(filter.visible().stream().map(LeadStatus::wireName).toArray(String[]::new));
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
        long total = jdbc.one("SELECT count(*) FROM leads" + where, row -> row.getLong(1), params.toArray())
                .orElse(0L);
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add((long) page * size);
        List<Lead> items = jdbc.list("SELECT " + COLUMNS + " FROM leads" + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                LeadRepository::map, pageParams.toArray());
        return new Page(items, total);
    }

    public record Page(List<Lead> items, long total) {
    }

    static Lead map(ResultSet row) throws SQLException {
        return new Lead(row.getLong("id"), row.getString("title"), row.getString("description"),
                row.getString("category"),
                new Contact(row.getString("contact_name"), row.getString("contact_email"),
                        row.getString("contact_phone")),
                row.getString("city"), row.getString("state"), row.getString("zip"),
                row.getString("property_type"), row.getInt("units"), row.getString("urgency"),
                LeadStatus.fromWireName(row.getString("status")).orElseThrow(),
                row.getInt("price"), row.getInt("max_claims"), row.getInt("claim_count"),
                Jdbc.instant(row, "created_at"), Jdbc.instant(row, "verified_at"));
    }
}
