package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** The optional {@code filter} of a {@code payments.monitor} subscription: {@code {"kinds":[…]}}. */
final class MonitorFilter {

    static final Set<String> KINDS = Arrays.stream(EventType.values()).map(EventType::monitorKind)
            .filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());

    private MonitorFilter() {
    }

    /** The kinds to keep, or null for all; throws with a message for the client when the filter is invalid. */
    static Set<String> kinds(String channel, JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return null;
        }
        if (!Channels.PAYMENTS_MONITOR.equals(channel)) {
            throw new IllegalArgumentException("filter applies to payments.monitor only");
        }
        JsonNode kinds = filter.get("kinds");
        if (!filter.isObject() || kinds == null || !kinds.isArray() || kinds.isEmpty()) {
            throw new IllegalArgumentException("filter.kinds must be a non-empty array of " + KINDS);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (JsonNode kind : kinds) {
            if (!kind.isTextual() || !KINDS.contains(kind.asText())) {
                throw new IllegalArgumentException("unknown kind in filter.kinds: " + kind + "; known: " + KINDS);
            }
            chosen.add(kind.asText());
        }
        return Set.copyOf(chosen);
    }
}
