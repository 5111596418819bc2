package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.notify.inbox.repository.NotificationRepository.Lease;
import io.leadline.notify.inbox.repository.NotificationRepository.Parked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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
    @Transactional
    public OptionalLong lead(String writer, Duration lease, Instant streamCreated) {
        Lease current = notifications.lockPosition(writer);
        if (!current.granted()) {
            return OptionalLong.empty();
        }
        long position = current.streamSeq();
        if (!streamCreated.equals(current.streamCreated())) {
            if (current.streamCreated() != null) {
                LOG.warnf("the stream was created again (%s, before %s): reading it from its start "
                        + "(entries already stored are not stored twice)", streamCreated, current.streamCreated());
                position = 0;
            }
            notifications.restartIn(streamCreated, position);
        }
        notifications.advance(writer, position, lease);
        return OptionalLong.of(position);
    }

    /** Stores a batch read from the stream and moves the position to its last sequence. */
    @Transactional
    public Applied apply(String writer, Duration lease, List<Item> batch) {
        Lease current = notifications.lockPosition(writer);
        if (!current.granted()) {
            return Applied.NOT_WRITER;
        }
        List<NewNotification> entries = new ArrayList<>();
        int parked = 0;
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
                case PARK -> {
                    notifications.park(seq, item.outcome().escrowId(), item.event().subject(),
                            new String(item.event().body(), StandardCharsets.UTF_8));
                    parked++;
                }
                case DROP -> {
                    dropped++;
                    LOG.warnf("dropping unreadable inbox event #%d on %s", seq, item.event().subject());
                }
                case IGNORE -> {
                }
            }
        }
        int stored = notifications.insertAll(entries);
        notifications.advance(writer, last, lease);
        return new Applied(true, last, stored, parked, dropped);
    }

    /** Gives the lease up, so that another instance writes at once. */
    @Transactional
    public void release(String writer) {
        notifications.release(writer);
    }

    /**
     * Stores the parked escrow notifications whose parties are known now, and drops those parked
     * longer than {@code maxAge}. Returns how many entries were stored.
     */
    @Transactional
    public int resolveParked(InboxEntries entries, Duration maxAge, int limit) {
        int stored = 0;
        Instant tooOld = Instant.now().minus(maxAge);
        for (Parked parked : notifications.lockParked(limit)) {
            InboxEntries.Outcome outcome = entries.of(new InboxEntries.StreamEvent(parked.streamSeq(), parked.subject(),
                    parked.envelope().getBytes(StandardCharsets.UTF_8), parked.parkedAt()));
            if (outcome.kind() == InboxEntries.Kind.STORE) {
                stored += notifications.insertAll(outcome.entries());
                notifications.unpark(parked.streamSeq());
            } else if (outcome.kind() != InboxEntries.Kind.PARK || parked.parkedAt().isBefore(tooOld)) {
                LOG.warnf("dropping escrow notification #%d of escrow %s: its parties never became known",
                        parked.streamSeq(), parked.escrowId());
                notifications.unpark(parked.streamSeq());
            }
        }
        return stored;
    }
}
