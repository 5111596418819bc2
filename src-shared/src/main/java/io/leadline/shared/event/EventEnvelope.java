package io.leadline.shared.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What travels on the bus: a sortable id (ULID, also the JetStream de-duplication id), the wire type,
 * the channel, the time the event was created (epoch milliseconds) and its data.
 *
 * @param <D> the data: an {@link Event} record when produced, a {@link JsonNode} when read generically
 */
public record EventEnvelope<D>(String id, String type, String channel, long ts, D data) {

    public static <E extends Event> EventEnvelope<E> of(String channel, E event) {
        EventType type = event.eventType();
        if (Channels.kindOf(channel) != type.channelKind()) {
            throw new IllegalArgumentException(type.wireName() + " does not travel on channel " + channel);
        }
        return new EventEnvelope<>(EventIds.next(), type.wireName(), channel, System.currentTimeMillis(), event);
    }
}
