package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.Notification;
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
 * A user's inbox. Marking notifications read also announces it on the user's channel
 * ({@code notification_read}, through the outbox in the same transaction), so every open connection
 * of that user clears them too.
 */
@ApplicationScoped
public class InboxService {

    @Inject
    NotificationRepository notifications;

    @Inject
    Outbox outbox;

    /** What a read changed: the ids marked read ({@code all} for read-all) and the unread count after it. */
    public record ReadOutcome(List<Long> notificationIds, boolean all, long unreadCount) {
    }

    /** Stores entries from the stream; a repeated {@code (user, event)} is skipped. Returns how many were new. */
    @Transactional
    public int record(List<NewNotification> entries) {
        return notifications.insertAll(entries);
    }

    @Transactional
    public NotificationRepository.Page list(String userId, boolean unreadOnly, int page, int size) {
        return notifications.page(userId, unreadOnly, page, size);
    }

    @Transactional
    public long unreadCount(String userId) {
        return notifications.unreadCount(userId);
    }

    /** Marks one of the user's own notifications read; someone else's id is not found. */
    @Transactional
    public ReadOutcome markRead(String userId, long id) {
        Notification notification = notifications.findOwnForUpdate(userId, id)
                .orElseThrow(() -> ProblemException.notFound("notification " + id + " not found"));
        if (notification.read()) {
            return new ReadOutcome(List.of(), false, notifications.unreadCount(userId)); // nothing changed
        }
        notifications.markRead(id);
        return announce(userId, new ReadOutcome(List.of(id), false, notifications.unreadCount(userId)));
    }

    @Transactional
    public ReadOutcome markAllRead(String userId) {
        int changed = notifications.markAllRead(userId);
        ReadOutcome outcome = new ReadOutcome(List.of(), true, notifications.unreadCount(userId));
        return changed == 0 ? outcome : announce(userId, outcome);
    }

    /** Deletes the user's whole inbox; returns how many notifications went. */
    @Transactional
    public int clear(String userId) {
        return notifications.deleteAll(userId);
    }

    private ReadOutcome announce(String userId, ReadOutcome outcome) {
        outbox.append(Channels.user(userId),
                new NotificationRead(outcome.notificationIds(), outcome.all(), outcome.unreadCount()));
        return outcome;
    }
}
