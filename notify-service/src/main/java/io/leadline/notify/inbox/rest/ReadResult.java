package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.service.InboxService;

import java.util.List;

/** What a read changed, in the shape of the {@code notification_read} event it announced. */
public record ReadResult(List<Long> notificationIds, boolean all, long unreadCount) {

    static ReadResult of(InboxService.ReadOutcome outcome) {
        return new ReadResult(outcome.notificationIds(), outcome.all(), outcome.unreadCount());
    }
}
