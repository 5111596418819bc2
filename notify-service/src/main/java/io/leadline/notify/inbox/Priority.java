package io.leadline.notify.inbox;

import java.util.Locale;
import java.util.Set;

/** Notification priorities, as clients show them. */
public final class Priority {

    public static final String LOW = "low";
    public static final String NORMAL = "normal";
    public static final String HIGH = "high";
    public static final String URGENT = "urgent";
    public static final String PATTERN = "low|normal|high|urgent";

    private static final Set<String> KNOWN = Set.of(LOW, NORMAL, HIGH, URGENT);

    private Priority() {
    }

    /** The priority named, or {@code normal} when an event carries none or one this service does not know. */
    public static String normalize(String priority) {
        if (priority == null) {
            return NORMAL;
        }
        String lower = priority.strip().toLowerCase(Locale.ROOT);
        return KNOWN.contains(lower) ? lower : NORMAL;
    }
}
