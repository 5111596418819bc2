package io.leadline.notify.inbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.inbox.Priority;
import io.leadline.shared.event.EventType;

import java.util.Locale;
import java.util.Optional;

/**
 * What an inbox shows for an event: the ready title, message and priority that notifications carry,
 * or a short text composed here for events that carry none (balance and escrow status changes).
 */
public record NotificationText(String title, String message, String priority) {

    public static final int MAX_TITLE = 200;
    public static final int MAX_MESSAGE = 2000;

    public NotificationText {
        title = clip(title, MAX_TITLE);
        message = clip(message, MAX_MESSAGE);
        priority = Priority.normalize(priority);
    }

    /** The text for an event of {@code type}, or empty when that type does not belong in an inbox. */
    public static Optional<NotificationText> of(EventType type, JsonNode data, String channelId) {
        if (type == null || data == null || !data.isObject()) {
            return Optional.empty();
        }
        return switch (type) {
            case NOTIFICATION_MESSAGE -> Optional.of(ready(data, "Notification"));
            case LEAD_ALERT -> Optional.of(ready(data, "Lead alert"));
            case LEAD_DISTRIBUTED -> Optional.of(leadDistributed(data));
            case BALANCE_UPDATED -> Optional.of(balanceUpdated(data));
            case STATUS_CHANGE -> Optional.of(statusChange(data, channelId));
            default -> Optional.empty();
        };
    }

    private static NotificationText ready(JsonNode ready, String defaultTitle) {
        return new NotificationText(text(ready, "title", defaultTitle), text(ready, "message", ""),
                text(ready, "priority", null));
    }

    private static NotificationText leadDistributed(JsonNode data) {
        JsonNode notification = data.path("notification");
        if (notification.isObject() && notification.hasNonNull("title")) {
            return ready(notification, "New lead");
        }
        JsonNode lead = data.path("lead");
        String where = text(lead, "city", null);
        return new NotificationText("New lead", text(lead, "title", "A new lead matches your profile")
                + (where == null ? "" : " in " + where), Priority.NORMAL);
    }

    private static NotificationText balanceUpdated(JsonNode data) {
        long change = data.path("change").asLong();
        long balance = data.path("new_balance").asLong();
        String reason = humanize(text(data, "reason", null));
        String title = change > 0 ? "Credits added" : change < 0 ? "Credits used" : "Balance updated";
        String amount = change == 0 ? "Your balance changed"
                : String.format(Locale.ROOT, "%s%d %s", change > 0 ? "+" : "-", Math.abs(change),
                        Math.abs(change) == 1 ? "credit" : "credits");
        String message = amount + (reason == null ? "" : " (" + reason + ")") + ". New balance: " + balance
                + (balance == 1 ? " credit." : " credits.");
        return new NotificationText(title, message, Priority.NORMAL);
    }

    private static NotificationText statusChange(JsonNode data, String channelId) {
        String escrow = text(data, "escrow_id", channelId);
        String next = humanize(text(data, "new_status", null));
        String previous = humanize(text(data, "old_status", null));
        if (next == null) {
            return new NotificationText("Escrow updated", "Escrow " + escrow + " changed status.", Priority.NORMAL);
        }
        String message = "Escrow " + escrow + " is now " + next + (previous == null ? "" : " (was " + previous + ")")
                + ".";
        String priority = "disputed".equals(next) || "refunded".equals(next) ? Priority.HIGH : Priority.NORMAL;
        return new NotificationText("Escrow " + next, message, priority);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            return fallback;
        }
        return value.asText().strip();
    }

    /** {@code TOP_UP} or {@code lead_claim} → {@code top up}, {@code lead claim}. */
    private static String humanize(String code) {
        return code == null ? null : code.replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    private static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
