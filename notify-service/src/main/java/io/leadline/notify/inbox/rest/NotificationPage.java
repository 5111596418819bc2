package io.leadline.notify.inbox.rest;

import java.util.List;

/** One page of an inbox, newest first; {@code total} counts every match of the filter. */
public record NotificationPage(List<NotificationView> items, int page, int size, long total) {
}
