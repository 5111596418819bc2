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
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Leads on the reactive client: each change is one reactive transaction, with its outbox events. */
@ApplicationScoped
public class LeadService {

    /** Leads an admin may close: those on the marketplace. */
    private static final Set<LeadStatus> CLOSABLE = EnumSet.of(LeadStatus.VERIFIED, LeadStatus.DISTRIBUTED,
            LeadStatus.FULL);

    @Inject
    LeadRepository leads;

    @Inject
    LeadsConfig config;

    @Inject
    Outbox outbox;

    @Inject
    LeadDistributor distributor;

    /** Price and claim limit come from the category's configured defaults at the time of submission. */
    public Uni<Lead> submit(LeadSubmission form) {
        LeadsConfig.Category defaults = config.categories().get(form.category());
        if (defaults == null) {
            return Uni.createFrom().failure(ProblemException.invalidField("category", "is not a known category"));
        }
        return Panache.withTransaction(() -> leads.insert(new NewLead(form.title(), form.description(),
                form.category(), form.contact(), form.city(), form.state(), form.zip(), form.propertyType(),
                form.units(), form.urgency(), defaults.price(), defaults.maxClaims())));
    }

    /**
     * Verifies a new lead, announces it on {@code leads} and distributes it to matching providers,
     * all in one transaction: the events are published if and only if the status change commits.
     */
    public Uni<Lead> verify(long id) {
        return outbox.inTransaction(() -> leads.findForUpdate(id)
                .map(found -> found.orElseThrow(() -> notFound(id)))
                .flatMap(lead -> {
                    if (lead.status() != LeadStatus.NEW) {
                        return Uni.createFrom().failure(ProblemException.conflict(
                                "lead " + id + " is already " + lead.status().wireName()));
                    }
                    return leads.markVerified(id, LeadStatus.VERIFIED);
                })
                .flatMap(verified -> {
                    LeadCreated announcement = LeadEvents.created(verified);
                    return distributor.distribute(verified, announcement, Instant.now()).flatMap(deliveries -> {
                        List<Outbox.Pending> events = new ArrayList<>();
                        events.add(new Outbox.Pending(Channels.LEADS, announcement));
                        events.addAll(deliveries);
                        Uni<Lead> result = deliveries.isEmpty()
                                ? Uni.createFrom().item(verified)
                                : leads.updateStatus(id, LeadStatus.DISTRIBUTED);
                        return result.call(() -> outbox.appendAll(events));
                    });
                }));
    }

    /**
     * Closes a lead for good: it leaves the marketplace and can no longer be claimed. Confirmed claims
     * stay; a claim still being paid for is refused at confirmation and refunded (see ClaimSteps).
     */
    public Uni<Lead> close(long id) {
        return Panache.withTransaction(() -> leads.findForUpdate(id)
                .map(found -> found.orElseThrow(() -> notFound(id)))
                .flatMap(lead -> {
                    if (!CLOSABLE.contains(lead.status())) {
                        return Uni.createFrom().failure(ProblemException.conflict("lead " + id + " is "
                                + lead.status().wireName() + "; only verified, distributed or full leads can be closed"));
                    }
                    return leads.updateStatus(id, LeadStatus.CLOSED);
                }));
    }

    /**
     * Expires one lead verified before {@code verifiedBefore}, in a transaction of its own: call it
     * outside any transaction.
     */
    public Uni<Optional<Long>> expireOne(Instant verifiedBefore) {
        return Panache.withTransaction(() -> leads.expireOne(verifiedBefore));
    }

    public Uni<Optional<Lead>> find(long id) {
        return Panache.withTransaction(() -> leads.findLead(id));
    }

    /**
     * A page of leads, with {@code then} run on each in the same session (the contact check), so a
     * listing holds one connection, not one per lead.
     */
    public <T> Uni<Page<T>> list(LeadFilter filter, int page, int size, Function<Lead, Uni<T>> then) {
        return Panache.withTransaction(() -> leads.list(filter, page, size).flatMap(found -> {
            Uni<List<T>> items = Uni.createFrom().item(new ArrayList<>());
            for (Lead lead : found.items()) {
                items = items.flatMap(done -> then.apply(lead).map(item -> {
                    done.add(item);
                    return done;
                }));
            }
            return items.map(done -> new Page<>(List.copyOf(done), found.total()));
        }));
    }

    /** One page of what {@link #list} made of the leads, and the total of leads that match. */
    public record Page<T>(List<T> items, long total) {
    }

    public static ProblemException notFound(long id) {
        return ProblemException.notFound("no lead " + id);
    }
}
