package io.leadline.leads.lead.service;

import io.leadline.leads.lead.LeadsConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;

/**
 * Moves verified and distributed leads older than {@code leadline.leads.expiry.after} (counted from
 * verification) to {@code expired}, every {@code leadline.leads.expiry.check-interval}. Each lead is
 * expired in its own transaction, picked with {@code FOR UPDATE SKIP LOCKED}, so several instances can
 * run the job at once and a lead being claimed right now is simply taken in a later round. No event is
 * published: dashboards read the lead list over REST.
 */
@ApplicationScoped
public class LeadExpiry {

    private static final Logger LOG = Logger.getLogger(LeadExpiry.class);

    @Inject
    LeadService leads;

    @Inject
    LeadsConfig config;

    @Scheduled(every = "${leadline.leads.expiry.check-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireOldLeads() {
        try {
            int expired = expireDue(Instant.now().minus(config.expiry().after()));
            if (expired > 0) {
                LOG.infof("expired %d leads", expired);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "lead expiry round failed; trying again next round");
        }
    }

    /** Expires every lead verified before {@code verifiedBefore}, batch by batch; returns how many. */
    public int expireDue(Instant verifiedBefore) {
        int batchSize = Math.max(1, config.expiry().batchSize());
        int total = 0;
        int inBatch;
        do {
            inBatch = 0;
            while (inBatch < batchSize) {
                Optional<Long> expired = leads.expireOne(verifiedBefore);
                if (expired.isEmpty()) {
                    return total;
                }
                LOG.debugf("lead %d expired", expired.get());
                inBatch++;
                total++;
            }
        } while (inBatch == batchSize);
        return total;
    }
}
