package io.leadline.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON encoding of the platform: snake_case names, ISO-8601 instants, no nulls. REST bodies
 * use it through {@link LeadlineObjectMapperCustomizer}; events and NATS messages through the methods here.
 */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private JsonCodec() {
    }

    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.findAndRegisterModules()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
        }
    }

    public static String encodeToString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
        }
    }

    public static <T> T decode(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
        }
    }

    public static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("malformed JSON", e);
        }
    }

    /** Reads an envelope with its data as a tree, whatever the event type. */
    public static EventEnvelope<JsonNode> decodeEnvelope(byte[] json) {
        JsonNode root = tree(json);
        return new EventEnvelope<>(root.path("id").asText(null), root.path("type").asText(null),
                root.path("channel").asText(null), root.path("ts").asLong(), root.get("data"));
    }

    /** Reads an envelope and binds its data to the record registered for its type. */
    public static <E extends Event> E decodeData(EventEnvelope<JsonNode> envelope, Class<E> type) {
        try {
            return MAPPER.treeToValue(envelope.data(), type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
        }
    }
}
