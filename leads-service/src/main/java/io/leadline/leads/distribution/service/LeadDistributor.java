package io.leadline.leads.distribution.service;

import io.leadline.leads.distribution.repository.DistributionRepository;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.repository.ProfileRepository;
import io.leadline.leads.scoring.ScoringConfig;
import io.leadline.leads.scoring.Tier;
import io.leadline.leads.scoring.service.LeadScorer;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.leads.LeadDistributed;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.event.leads.ReadyNotification;
import io.leadline.shared.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands a verified lead to every provider whose profile takes its category in its state, each with
 * the lead's score for them; top-scored recipients also get an alert. Runs inside the verifying
 * transaction, so the record of who received what and the events commit together.
 */
@ApplicationScoped
public class LeadDistributor {

    @Inject
    ProfileRepository profiles;

    @Inject
    DistributionRepository distributions;

    @Inject
    ScoringConfig scoring;

    /**
     * Records the distribution in the caller's reactive transaction and returns the per-recipient events
     * to append to the outbox in it.
     */
    public Uni<List<Outbox.Pending>> distribute(Lead lead, LeadCreated announcement, Instant now) {
        LeadScorer scorer = new LeadScorer(scoring.weights());
        return profiles.candidates(lead.category(), lead.state()).flatMap(candidates -> {
            List<Outbox.Pending> events = new ArrayList<>();
            Uni<Void> recorded = Uni.createFrom().voidItem();
            for (ProviderProfile profile : candidates) {
                LeadScore score = scorer.score(lead, profile, now);
                // one statement after the other: a session runs one at a time
                recorded = recorded.chain(() -> distributions.insert(lead.id(), profile.accountId(), score));
                String channel = Channels.user(profile.accountId());
                events.add(new Outbox.Pending(channel, new LeadDistributed(announcement, score, notification(lead, score))));
                if (Tier.EXCELLENT.wireName().equals(score.tier())) {
                    events.add(new Outbox.Pending(channel, new LeadAlert(announcement.id(), LeadAlert.EXCELLENT_LEAD,
                            "Excellent lead: " + lead.title(),
                            "Scored " + score.score() + " for you: " + lead.category() + " in " + lead.city() + ", "
                                    + lead.state() + ". Claim it before others do.",
                            "high", score.score(), lead.claimCount(), lead.maxClaims())));
                }
            }
            return recorded.replaceWith(events);
        });
    }

    private static ReadyNotification notification(Lead lead, LeadScore score) {
        return new ReadyNotification("New " + lead.category() + " lead in " + lead.city() + ", " + lead.state(),
                lead.title() + " - " + score.badge().text().toLowerCase() + " (" + score.score() + "/100), "
                        + lead.price() + " credits",
                score.badge().priority());
    }
}
