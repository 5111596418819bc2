package io.leadline.leads.lead.repository;

import io.leadline.leads.lead.Contact;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.shared.database.NativeSql;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code leads}; written by native statements ({@code RETURNING}, row locks), handed out as {@link Lead}. */
@Entity
@Table(name = "leads")
public class StoredLead {

    @Id
    public Long id;

    public String title;

    public String description;

    public String category;

    @Column(name = "contact_name")
    public String contactName;

    @Column(name = "contact_email")
    public String contactEmail;

    @Column(name = "contact_phone")
    public String contactPhone;

    public String city;

    public String state;

    public String zip;

    @Column(name = "property_type")
    public String propertyType;

    public int units;

    public String urgency;

    public String status;

    public int price;

    @Column(name = "max_claims")
    public int maxClaims;

    @Column(name = "claim_count")
    public int claimCount;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "verified_at")
    public Instant verifiedAt;

    /** A lead from a row of {@link LeadRepository#COLUMNS}, in that order. */
    static Lead read(NativeSql.Row row) {
        return new Lead(row.longValue(), row.string(), row.string(), row.string(),
                new Contact(row.string(), row.string(), row.string()), row.string(), row.string(), row.string(),
                row.string(), row.intValue(), row.string(), LeadStatus.fromWireName(row.string()).orElseThrow(),
                row.intValue(), row.intValue(), row.intValue(), row.instant(), row.instant());
    }
}
