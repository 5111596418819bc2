package io.leadline.notify.inbox.rest;

public record UnreadCount(long unreadCount) {
}
