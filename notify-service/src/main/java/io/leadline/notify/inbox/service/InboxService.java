package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.Notification;
import io.leadline.notify.inbox.NotificationId;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationRead;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * A user's inbox. Every answer carries {@code as_of_seq}, the stream position the inbox had reached in
 * the snapshot it was read from: an unread count is exact for every event up to that sequence, and a
 * client adds the inbox events it saw after it. Changes to the read state are announced on the user's
 * channel ({@code notification_read}, through the outbox in the same transaction), so every open
 * connection of that user follows; one user's changes are serialized, so their announced counts follow
 * one another.
 */
@ApplicationScoped
public class InboxService {

    @Inject
    NotificationRepository notifications;

    @Inject
    Outbox outbox;

    /** What a change did: the ids marked read ({@code all} for every one), and the unread count after it. */
    public record ReadOutcome(List<Long> notificationIds, boolean all, NotificationRepository.Unread unread) {
    }

    @Transactional
    public NotificationRepository.Page list(String userId, boolean unreadOnly, int page, int size) {
        notifications.readOneSnapshot();
        return notifications.page(userId, unreadOnly, page, size);
    }

    @Transactional
    public NotificationRepository.Unread unread(String userId) {
        return notifications.unread(userId);
    }

    /** One of the user's own notifications; someone else's id is not found. */
    @Transactional
    public Notification find(String userId, NotificationId id) {
        return notifications.findOwn(userId, id).orElseThrow(() -> notFound(id));
    }

    /** Marks one of the user's own notifications read; someone else's id is not found. */
    @Transactional
    public ReadOutcome markRead(String userId, NotificationId id) {
        notifications.raiseReadVersion(userId);
        // the count below and every other snapshot can then be ordered by (position, version)
        notifications.holdPosition();
        Notification notification = notifications.findOwnForUpdate(userId, id).orElseThrow(() -> notFound(id));
        if (notification.read()) {
            return outcome(userId, List.of(), false); // nothing changed, nothing to announce
        }
        notifications.markRead(notification.id());
        return announce(userId, outcome(userId, List.of(notification.id()), false));
    }

    /** Marks read every notification up to the position the answer reports. */
    @Transactional
    public ReadOutcome markAllRead(String userId) {
        notifications.raiseReadVersion(userId);
        notifications.holdPosition();
        int changed = notifications.markAllRead(userId);
        ReadOutcome outcome = outcome(userId, List.of(), true);
        return changed == 0 ? outcome : announce(userId, outcome);
    }

    /** Deletes the user's whole inbox; the other connections learn it as "all read", which their badges show. */
    @Transactional
    public ReadOutcome clear(String userId) {
        notifications.raiseReadVersion(userId);
        notifications.holdPosition();
        int deleted = notifications.deleteAll(userId);
        ReadOutcome outcome = outcome(userId, List.of(), true);
        return deleted == 0 ? outcome : announce(userId, outcome);
    }

    /** Stores entries read from the stream; a repeated {@code (user, event)} is skipped. Returns how many were new. */
    int store(List<NewNotification> entries) {
        return notifications.insertAll(entries);
    }

    private ReadOutcome outcome(String userId, List<Long> ids, boolean all) {
        return new ReadOutcome(ids, all, notifications.unread(userId));
    }

    private ReadOutcome announce(String userId, ReadOutcome outcome) {
        NotificationRepository.Unread unread = outcome.unread();
        outbox.append(Channels.user(userId), new NotificationRead(outcome.notificationIds(), outcome.all(),
                unread.count(), unread.asOfSeq(), unread.readVersion()));
        return outcome;
    }

    private static ProblemException notFound(NotificationId id) {
        return ProblemException.notFound("notification " + id + " not found");
    }
}
