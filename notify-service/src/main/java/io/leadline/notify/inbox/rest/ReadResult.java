package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.service.InboxService;

import java.util.List;

/** What a change did, in the shape of the {@code notification_read} event it announced. */
public record ReadResult(List<Long> notificationIds, boolean all, long unreadCount, long asOfSeq,
        long readVersion) {

    static ReadResult of(InboxService.ReadOutcome outcome) {
        return new ReadResult(outcome.notificationIds(), outcome.all(), outcome.unread().count(),
                outcome.unread().asOfSeq(), outcome.unread().readVersion());
    }
}
