package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.repository.NotificationRepository;

import java.util.List;

/**
 * One page of an inbox, newest first; {@code total} counts every match of the filter, and
 * {@code unreadCount} every unread notification. Both are exact for the inbox events up to stream
 * sequence {@code asOfSeq} (at least every sequence the caller had seen when it asked), at version
 * {@code readVersion} of the caller's read state.
 */
public record NotificationPage(List<NotificationView> items, int page, int size, long total, long unreadCount,
        long asOfSeq, long readVersion) {

    static NotificationPage of(NotificationRepository.Page found, int page, int size) {
        return new NotificationPage(found.items().stream().map(NotificationView::of).toList(), page, size,
                found.total(), found.unread().count(), found.unread().asOfSeq(), found.unread().readVersion());
    }
}
