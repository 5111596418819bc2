package io.leadline.leads.lead.service;

import io.leadline.leads.lead.LeadsConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Moves verified and distributed leads older than {@code leadline.leads.expiry.after} (counted from
 * verification) to {@code expired}, every {@code leadline.leads.expiry.check-interval}. Each lead is
 * expired in its own reactive transaction, picked with {@code FOR UPDATE SKIP LOCKED}, so several instances can
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
    Uni<Void> expireOldLeads() {
        return expireDue(Instant.now().minus(config.expiry().after()))
                .invoke(expired -> {
                    if (expired > 0) {
                        LOG.infof("expired %d leads", expired);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf(e, "lead expiry round failed; trying again next round"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Expires every lead verified before {@code verifiedBefore}, batch by batch
     * ({@code leadline.leads.expiry.batch-size}), one transaction per lead, one after the other; returns
     * how many.
     */
    public Uni<Integer> expireDue(Instant verifiedBefore) {
        return expireBatches(verifiedBefore, Math.max(1, config.expiry().batchSize()), 0);
    }

    /** One batch, then the next one while they come full. */
    private Uni<Integer> expireBatches(Instant verifiedBefore, int batchSize, int expiredBefore) {
        return expireBatch(verifiedBefore, batchSize, 0).flatMap(inBatch -> {
            LOG.debugf("lead expiry batch: %d leads", inBatch);
            return inBatch == batchSize ? expireBatches(verifiedBefore, batchSize, expiredBefore + inBatch)
                    : Uni.createFrom().item(expiredBefore + inBatch);
        });
    }

    private Uni<Integer> expireBatch(Instant verifiedBefore, int batchSize, int inBatch) {
        if (inBatch == batchSize) {
            return Uni.createFrom().item(inBatch);
        }
        return leads.expireOne(verifiedBefore).flatMap(expired -> {
            if (expired.isEmpty()) {
                return Uni.createFrom().item(inBatch);
            }
            LOG.debugf("lead %d expired", expired.get());
            return expireBatch(verifiedBefore, batchSize, inBatch + 1);
        });
    }
}
