package io.leadline.leads.distribution.repository;

import io.leadline.shared.database.NativeSql;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.json.JsonCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code lead_distributions}, written in the verifying reactive transaction. */
@ApplicationScoped
public class DistributionRepository {

    public Uni<Void> insert(long leadId, long accountId, LeadScore score) {
        return NativeSql.execute("INSERT INTO lead_distributions (lead_id, account_id, score, tier, reasons) "
                        + "VALUES (?, ?, ?, ?, CAST(CAST(? AS text) AS jsonb))",
                leadId, accountId, score.score(), score.tier(), JsonCodec.encodeToString(score.reasons()))
                .replaceWithVoid();
    }
}
