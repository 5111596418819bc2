package io.leadline.leads.distribution.repository;

import io.leadline.leads.jdbc.Jdbc;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ApplicationScoped
public class DistributionRepository {

    @Inject
    Jdbc jdbc;

    public void insert(long leadId, long accountId, LeadScore score) {
        jdbc.update("INSERT INTO lead_distributions (lead_id, account_id, score, tier, reasons) VALUES (?, ?, ?, ?, ?::jsonb)",
                leadId, accountId, score.score(), score.tier(), JsonCodec.encodeToString(score.reasons()));
    }
}
