package io.leadline.notify.inbox;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a client names one of its notifications: by the inbox id from a REST listing, or by the id of the
 * event it saw in a frame ({@code "id"}, a ULID). Exactly one of the two is set.
 */
public record NotificationId(long inboxId, String eventId) {

    private static final Pattern INBOX_ID = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern EVENT_ID = Pattern.compile("[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}");

    /** The id a path segment names, or empty when it can name no notification at all. */
    public static Optional<NotificationId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (INBOX_ID.matcher(text).matches()) {
            return Optional.of(new NotificationId(Long.parseLong(text), null));
        }
        if (EVENT_ID.matcher(text).matches()) {
            return Optional.of(new NotificationId(0, text.toUpperCase(java.util.Locale.ROOT)));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return eventId != null ? eventId : Long.toString(inboxId);
    }
}
