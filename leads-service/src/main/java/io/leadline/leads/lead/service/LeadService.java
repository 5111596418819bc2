package io.leadline.leads.lead.service;

import io.leadline.leads.distribution.service.LeadDistributor;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.LeadsConfig;
import io.leadline.leads.lead.NewLead;
import io.leadline.leads.lead.repository.LeadFilter;
import io.leadline.leads.lead.repository.LeadRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class LeadService {

    @Inject
    LeadRepository leads;

    @Inject
    LeadsConfig config;

    @Inject
    Outbox outbox;

    @Inject
    LeadDistributor distributor;

    /** Price and claim limit come from the category's configured defaults at the time of submission. */
    @Transactional
    public Lead submit(LeadSubmission form) {
        LeadsConfig.Category defaults = config.categories().get(form.category());
        if (defaults == null) {
            throw ProblemException.invalidField("category", "is not a known category");
        }
        return leads.insert(new NewLead(form.title(), form.description(), form.category(), form.contact(),
                form.city(), form.state(), form.zip(), form.propertyType(), form.units(), form.urgency(),
                defaults.price(), defaults.maxClaims()));
    }

    /**
     * Verifies a new lead, announces it on {@code leads} and distributes it to matching providers,
     * all in one transaction: the events are published if and only if the status change commits.
     */
    @Transactional
    public Lead verify(long id) {
        Lead lead = leads.findForUpdate(id).orElseThrow(() -> notFound(id));
        if (lead.status() != LeadStatus.NEW) {
            throw ProblemException.conflict("lead " + id + " is already " + lead.status().wireName());
        }
        Lead verified = leads.markVerified(id, LeadStatus.VERIFIED);
        LeadCreated announcement = LeadEvents.created(verified);
        List<Outbox.Pending> events = new ArrayList<>();
        events.add(new Outbox.Pending(Channels.LEADS, announcement));
        List<Outbox.Pending> deliveries = distributor.distribute(verified, announcement, Instant.now());
        events.addAll(deliveries);
        if (!deliveries.isEmpty()) {
            verified = leads.updateStatus(id, LeadStatus.DISTRIBUTED);
        }
        outbox.appendAll(events);
        return verified;
    }

    /** Leads an admin may close: those on the marketplace. */
    private static final java.util.Set<LeadStatus> CLOSABLE =
            java.util.EnumSet.of(LeadStatus.VERIFIED, LeadStatus.DISTRIBUTED, LeadStatus.FULL);

    /**
     * Closes a lead for good: it leaves the marketplace and can no longer be claimed. Confirmed claims
     * stay; a claim still being paid for is refused at confirmation and refunded (see ClaimSteps).
     */
    @Transactional
    public Lead close(long id) {
        Lead lead = leads.findForUpdate(id).orElseThrow(() -> notFound(id));
        if (!CLOSABLE.contains(lead.status())) {
            throw ProblemException.conflict("lead " + id + " is " + lead.status().wireName()
                    + "; only verified, distributed or full leads can be closed");
        }
        return leads.updateStatus(id, LeadStatus.CLOSED);
    }

    /** Expires one lead verified before {@code verifiedBefore}, in a transaction of its own. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Long> expireOne(Instant verifiedBefore) {
        return leads.expireOne(verifiedBefore);
    }

    public Optional<Lead> find(long id) {
        return leads.find(id);
    }

    public LeadRepository.Page list(LeadFilter filter, int page, int size) {
        return leads.list(filter, page, size);
    }

    public static ProblemException notFound(long id) {
        return ProblemException.notFound("no lead " + id);
    }
}
