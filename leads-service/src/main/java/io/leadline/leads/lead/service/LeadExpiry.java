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
     * Expires every lead verified before {@code verifiedBefore}, one transaction per lead, one after the
     * other; returns how many.
     */
    public Uni<Integer> expireDue(Instant verifiedBefore) {
        return expireFrom(verifiedBefore, 0);
    }

    private Uni<Integer> expireFrom(Instant verifiedBefore, int expiredSoFar) {
        return leads.expireOne(verifiedBefore).flatMap(expired -> {
            if (expired.isEmpty()) {
                return Uni.createFrom().item(expiredSoFar);
            }
            LOG.debugf("lead %d expired", expired.get());
            return expireFrom(verifiedBefore, expiredSoFar + 1);
        });
    }
}
