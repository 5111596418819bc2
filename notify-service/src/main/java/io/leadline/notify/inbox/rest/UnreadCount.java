package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.repository.NotificationRepository;

/**
 * The caller's unread notifications, exact for the inbox events up to stream sequence {@code asOfSeq},
 * at version {@code readVersion} of the caller's read state.
 */
public record UnreadCount(long unreadCount, long asOfSeq, long readVersion) {

    static UnreadCount of(NotificationRepository.Unread unread) {
        return new UnreadCount(unread.count(), unread.asOfSeq(), unread.readVersion());
    }
}
