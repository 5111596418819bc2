package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.notify.inbox.repository.NotificationRepository.Parked;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The writer's transactions. Each one locks the position row first, so two instances that both think
 * they write (a lease lapsed under a long pause) still apply every event once: whatever lies at or
 * below the stored position is skipped.
 */
@ApplicationScoped
public class InboxStore {

    private static final Logger LOG = Logger.getLogger(InboxStore.class);

    @Inject
    NotificationRepository notifications;

    /**
     * What a batch did: {@code written} is false when another instance holds the lease; {@code position}
     * is the stored position after it.
     */
    public record Applied(boolean written, long position, int stored, int parked, int dropped) {

        static final Applied NOT_WRITER = new Applied(false, -1, 0, 0, 0);
    }

    /** An event of the batch and what it means for the inboxes. */
    public record Item(InboxEntries.StreamEvent event, InboxEntries.Outcome outcome) {
    }

    /**
     * Takes or renews the lease and returns the position to read on from; empty while another instance
     * holds it. The position counts in one stream, known by its creation time: when the stream was
     * recreated (a server that lost its store), the inbox reads the new one from its start. A position
     * merely beyond a last sequence read a moment earlier is no such sign: another writer may have
     * moved it meanwhile.
     */
    public Uni<OptionalLong> lead(String writer, Duration lease, Instant streamCreated) {
        return Panache.withTransaction(() -> notifications.lockPosition(writer).flatMap(current -> {
            if (!current.granted()) {
                return Uni.createFrom().item(OptionalLong.empty());
            }
            long position = current.streamSeq();
            Uni<Void> restarted = Uni.createFrom().voidItem();
            if (!streamCreated.equals(current.streamCreated())) {
                if (current.streamCreated() != null) {
                    LOG.warnf("the stream was created again (%s, before %s): reading it from its start "
                            + "(entries already stored are not stored twice)", streamCreated, current.streamCreated());
                    position = 0;
                }
                restarted = notifications.restartIn(streamCreated, position);
            }
            long from = position;
            return restarted.chain(() -> notifications.advance(writer, from, lease)).replaceWith(OptionalLong.of(from));
        }));
    }

    /** Stores a batch read from the stream and moves the position to its last sequence. */
    public Uni<Applied> apply(String writer, Duration lease, List<Item> batch) {
        return Panache.withTransaction(() -> notifications.lockPosition(writer).flatMap(current -> {
            if (!current.granted()) {
                return Uni.createFrom().item(Applied.NOT_WRITER);
            }
            List<NewNotification> entries = new ArrayList<>();
            List<Item> toPark = new ArrayList<>();
            int dropped = 0;
            long last = current.streamSeq();
            for (Item item : batch) {
                long seq = item.event().seq();
                if (seq <= current.streamSeq()) {
                    continue; // applied already, by us before a retry or by another writer
                }
                last = Math.max(last, seq);
                switch (item.outcome().kind()) {
                    case STORE -> entries.addAll(item.outcome().entries());
                    case PARK -> toPark.add(item);
                    case DROP -> {
                        dropped++;
                        LOG.warnf("dropping unreadable inbox event #%d on %s", seq, item.event().subject());
                    }
                    case IGNORE -> {
                    }
                }
            }
            Uni<Void> parked = Uni.createFrom().voidItem();
            for (Item item : toPark) {
                parked = parked.chain(() -> notifications.park(item.event().seq(), item.outcome().escrowId(),
                        item.event().subject(), new String(item.event().body(), StandardCharsets.UTF_8)));
            }
            long position = last;
            int droppedCount = dropped;
            return parked.chain(() -> notifications.insertAll(entries))
                    .call(() -> notifications.advance(writer, position, lease))
                    .map(stored -> new Applied(true, position, stored, toPark.size(), droppedCount));
        }));
    }

    /** Gives the lease up, so that another instance writes at once. */
    public Uni<Void> release(String writer) {
        return Panache.withTransaction(() -> notifications.release(writer));
    }

    /**
     * Stores the parked escrow notifications whose parties are known now, and drops those parked
     * longer than {@code maxAge}. Returns how many entries were stored.
     */
    public Uni<Integer> resolveParked(InboxEntries entries, Duration maxAge, int limit) {
        Instant tooOld = Instant.now().minus(maxAge);
        return Panache.withTransaction(() -> notifications.lockParked(limit)
                // the parties may have to be asked of the bucket, a blocking call: on a worker, not on the event loop
                .flatMap(all -> VertxContextSupport.executeBlocking(() -> all.stream()
                                .map(parked -> new Resolution(parked, entries.of(new InboxEntries.StreamEvent(
                                        parked.streamSeq(), parked.subject(),
                                        parked.envelope().getBytes(StandardCharsets.UTF_8), parked.parkedAt()))))
                                .toList()))
                .flatMap(resolutions -> {
                    Uni<Integer> stored = Uni.createFrom().item(0);
                    for (Resolution resolution : resolutions) {
                        stored = stored.flatMap(sum -> resolve(resolution, tooOld).map(added -> sum + added));
                    }
                    return stored;
                }));
    }

    private record Resolution(Parked parked, InboxEntries.Outcome outcome) {
    }

    private Uni<Integer> resolve(Resolution resolution, Instant tooOld) {
        Parked parked = resolution.parked();
        InboxEntries.Outcome outcome = resolution.outcome();
        if (outcome.kind() == InboxEntries.Kind.STORE) {
            return notifications.insertAll(outcome.entries()).call(() -> notifications.unpark(parked.streamSeq()));
        }
        if (outcome.kind() != InboxEntries.Kind.PARK || parked.parkedAt().isBefore(tooOld)) {
            LOG.warnf("dropping escrow notification #%d of escrow %s: its parties never became known",
                    parked.streamSeq(), parked.escrowId());
            return notifications.unpark(parked.streamSeq()).replaceWith(0);
        }
        return Uni.createFrom().item(0);
    }
}
