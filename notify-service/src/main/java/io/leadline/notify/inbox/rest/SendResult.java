package io.leadline.notify.inbox.rest;

/** How many users the message was sent to (written to the outbox; delivery follows within moments). */
public record SendResult(int recipients) {
}
