package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.notify.inbox.Notification;
import io.leadline.notify.inbox.NotificationId;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationRead;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import java.util.List;
import java.util.function.Supplier;

/**
 * A user's inbox. Every answer carries {@code as_of_seq}, the stream position the inbox had reached in
 * the snapshot it was read from: an unread count is exact for every event up to that sequence, and a
 * client adds the inbox events it saw after it. Changes to the read state are announced on the user's
 * channel ({@code notification_read}, through the outbox in the same transaction), so every open
 * connection of that user follows; one user's changes are serialized, so their announced counts follow
 * one another. A change is answered once its announcement is in the stream (at most
 * {@code leadline.inbox.announce-wait}): whatever is published after the answer reaches the other
 * connections after the announcement, never before it.
 */
@ApplicationScoped
public class InboxService {

    @Inject
    NotificationRepository notifications;

    @Inject
    Outbox outbox;

    @Inject
    InboxConfig config;

    /** What a change did: the ids marked read ({@code all} for every one), and the unread count after it. */
    public record ReadOutcome(String userId, List<Long> notificationIds, boolean all,
            NotificationRepository.Unread unread) {
    }

    /** A change's outcome, and whether it was announced (the transaction wrote a {@code notification_read}). */
    private record Change(ReadOutcome outcome, boolean announced) {
    }

    public Uni<NotificationRepository.Page> list(String userId, boolean unreadOnly, int page, int size) {
        return Panache.withTransaction(() -> notifications.readOneSnapshot()
                .chain(() -> notifications.page(userId, unreadOnly, page, size)));
    }

    public Uni<NotificationRepository.Unread> unread(String userId) {
        return Panache.withTransaction(() -> notifications.unread(userId));
    }

    /** One of the user's own notifications; someone else's id is not found. */
    public Uni<Notification> find(String userId, NotificationId id) {
        return Panache.withTransaction(() -> notifications.findOwn(userId, id))
                .map(found -> found.orElseThrow(() -> notFound(id)));
    }

    /** Marks one of the user's own notifications read; someone else's id is not found. */
    public Uni<ReadOutcome> markRead(String userId, NotificationId id) {
        return answerOnceAnnounced(outbox.inTransaction(() -> notifications.raiseReadVersion(userId)
                // the count below and every other snapshot can then be ordered by (position, version)
                .chain(notifications::holdPosition)
                .chain(() -> notifications.findOwnForUpdate(userId, id))
                .map(found -> found.orElseThrow(() -> notFound(id)))
                .flatMap(notification -> notification.read()
                        // nothing changed, nothing to announce
                        ? outcome(userId, List.of(), false).map(outcome -> new Change(outcome, false))
                        : notifications.markRead(notification.id())
                                .chain(() -> outcome(userId, List.of(notification.id()), false))
                                .call(this::announce)
                                .map(outcome -> new Change(outcome, true)))));
    }

    /** Marks read every notification up to the position the answer reports. */
    public Uni<ReadOutcome> markAllRead(String userId) {
        return changeAll(userId, () -> notifications.markAllRead(userId));
    }

    /** Deletes the user's whole inbox; the other connections learn it as "all read", which their badges show. */
    public Uni<ReadOutcome> clear(String userId) {
        return changeAll(userId, () -> notifications.deleteAll(userId));
    }

    private Uni<ReadOutcome> changeAll(String userId, Supplier<Uni<Integer>> change) {
        return answerOnceAnnounced(outbox.inTransaction(() -> notifications.raiseReadVersion(userId)
                .chain(notifications::holdPosition)
                .chain(change::get)
                .flatMap(changed -> outcome(userId, List.of(), true)
                        .call(outcome -> changed == 0 ? Uni.createFrom().voidItem() : announce(outcome))
                        .map(outcome -> new Change(outcome, changed != 0)))));
    }

    /**
     * The answer after the commit waits for the announcement to be in the stream: a client may take the
     * answer as the point after which everything it publishes, or is published, follows the change (the
     * outbox relay publishes on its own, and would otherwise often be overtaken).
     */
    private Uni<ReadOutcome> answerOnceAnnounced(Uni<Change> committed) {
        return committed
                .call(change -> change.announced() ? outbox.awaitPublished(config.announceWait())
                        : Uni.createFrom().voidItem())
                .map(Change::outcome);
    }

    private Uni<ReadOutcome> outcome(String userId, List<Long> ids, boolean all) {
        return notifications.unread(userId).map(unread -> new ReadOutcome(userId, ids, all, unread));
    }

    private Uni<?> announce(ReadOutcome outcome) {
        NotificationRepository.Unread unread = outcome.unread();
        return outbox.append(Channels.user(outcome.userId()), new NotificationRead(outcome.notificationIds(),
                outcome.all(), unread.count(), unread.asOfSeq(), unread.readVersion()));
    }

    private static ProblemException notFound(NotificationId id) {
        return ProblemException.notFound("notification " + id + " not found");
    }
}
