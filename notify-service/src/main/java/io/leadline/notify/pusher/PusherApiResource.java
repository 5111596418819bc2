package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.leadline.notify.pusher.PusherPublisher.AppEvent;
import io.leadline.notify.routing.StreamEventCheck;
import io.leadline.shared.event.EventType;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pusher's HTTP API for the one configured app, so that server libraries made for Pusher can trigger
 * events and ask about channels. Every request is checked for its signature ({@link PusherSignatures})
 * before anything in it is parsed or published; refusals carry a real status and {@code {"error": "..."}}.
 * Events go onto the CHANNELS stream ({@link PusherPublisher}) and the request completes once the stream
 * acknowledged all of them.
 */
@Path(PusherSignedQueryDocument.PATHS)
@Tag(name = "pusher")
@Produces(MediaType.APPLICATION_JSON)
public class PusherApiResource {

    private static final Logger LOG = Logger.getLogger(PusherApiResource.class);
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
    private static final String USER_COUNT = "user_count";
    private static final String SUBSCRIPTION_COUNT = "subscription_count";

    @Inject
    PusherConfig config;

    @Inject
    PusherPublisher publisher;

    @Inject
    ChannelDirectory directory;

    @Context
    HttpServerRequest request;

    @Context
    UriInfo uri;

    /** A refusal, answered as {@code {"error": "..."}} with its status. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String error) {
            super(error, null, false, false);
            this.status = status;
        }

        Response response() {
            return error(status, getMessage());
        }
    }

    @POST
    @Path("/events")
    @Blocking
    @Operation(summary = "Trigger an event on one or more channels (Pusher HTTP API)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PusherApiBodies.TriggerEvent.class)))
    @APIResponse(responseCode = "200", description = "Stored on the stream: {}",
            content = @Content(schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "default", description = "Refused: {\"error\": \"...\"} with the status",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.Refusal.class)))
    public CompletionStage<Response> trigger(@PathParam("app_id") String appId, byte[] body) {
        try {
            authenticate(appId, body);
            JsonNode event = parse(body);
            return publish(events(event, false), "{}");
        } catch (Refused refused) {
            return CompletableFuture.completedFuture(refused.response());
        }
    }

    @POST
    @Path("/batch_events")
    @Blocking
    @Operation(summary = "Trigger up to 10 events, each on one channel (Pusher HTTP API)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PusherApiBodies.TriggerBatch.class)))
    @APIResponse(responseCode = "200", description = "Stored on the stream",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.TriggeredBatch.class)))
    @APIResponse(responseCode = "default", description = "Refused: {\"error\": \"...\"} with the status",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.Refusal.class)))
    public CompletionStage<Response> triggerBatch(@PathParam("app_id") String appId, byte[] body) {
        try {
            authenticate(appId, body);
            JsonNode batch = parse(body).get("batch");
            if (batch == null || !batch.isArray() || batch.isEmpty()) {
                throw new Refused(400, "batch must be a non-empty array of events");
            }
            if (batch.size() > config.maxBatchEvents()) {
                throw new Refused(400, "batch holds " + batch.size() + " events; at most " + config.maxBatchEvents());
            }
            List<AppEvent> events = new ArrayList<>();
            for (JsonNode event : batch) {
                if (!event.isObject()) {
                    throw new Refused(400, "each batch entry must be an event object");
                }
                events.addAll(events(event, true));
            }
            return publish(events, "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(batch.size(), "{}"))
                    + "]}");
        } catch (Refused refused) {
            return CompletableFuture.completedFuture(refused.response());
        }
    }

    @GET
    @Path("/channels")
    @Blocking
    @Operation(summary = "Occupied channels, by prefix (Pusher HTTP API)")
    @Parameter(name = "filter_by_prefix", in = ParameterIn.QUERY, description = "presence- with info=user_count")
    @Parameter(name = "info", in = ParameterIn.QUERY, description = "user_count")
    @APIResponse(responseCode = "200", description = "The occupied channels",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.ChannelList.class)))
    @APIResponse(responseCode = "default", description = "Refused: {\"error\": \"...\"} with the status",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.Refusal.class)))
    public Response channels(@PathParam("app_id") String appId) {
        try {
            authenticate(appId, null);
            String prefix = single("filter_by_prefix").orElse("");
            Set<String> info = info();
            if (!Set.of(USER_COUNT).containsAll(info)) {
                throw new Refused(400, "info may only ask for user_count here");
            }
            boolean userCount = info.contains(USER_COUNT);
            if (userCount && !prefix.startsWith(PusherChannels.PRESENCE_PREFIX)) {
                throw new Refused(400, "user_count is only available with filter_by_prefix=presence-");
            }
            Map<String, Object> channels = new LinkedHashMap<>();
            for (String name : new TreeSet<>(directory.occupiedChannels())) {
                if (name.startsWith(prefix)) {
                    channels.put(name, userCount ? Map.of(USER_COUNT, directory.userCount(name)) : Map.of());
                }
            }
            return ok(Map.of("channels", channels));
        } catch (Refused refused) {
            return refused.response();
        }
    }

    @GET
    @Path("/channels/{channel_name}")
    @Blocking
    @Operation(summary = "One channel's state (Pusher HTTP API)")
    @Parameter(name = "info", in = ParameterIn.QUERY,
            description = "user_count (presence channels), subscription_count")
    @APIResponse(responseCode = "200", description = "The channel's state",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.ChannelState.class)))
    @APIResponse(responseCode = "default", description = "Refused: {\"error\": \"...\"} with the status",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.Refusal.class)))
    public Response channel(@PathParam("app_id") String appId, @PathParam("channel_name") String name) {
        try {
            authenticate(appId, null);
            PusherChannels.Channel channel = channelNamed(name);
            Set<String> info = info();
            if (!Set.of(USER_COUNT, SUBSCRIPTION_COUNT).containsAll(info)) {
                throw new Refused(400, "info may ask for user_count and subscription_count only");
            }
            if (info.contains(USER_COUNT) && !channel.kind().isPresence()) {
                throw new Refused(400, "user_count is only available for presence channels");
            }
            int subscriptions = directory.subscriptionCount(name);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("occupied", subscriptions > 0);
            if (info.contains(USER_COUNT)) {
                answer.put(USER_COUNT, directory.userCount(name));
            }
            if (info.contains(SUBSCRIPTION_COUNT)) {
                answer.put(SUBSCRIPTION_COUNT, subscriptions);
            }
            return ok(answer);
        } catch (Refused refused) {
            return refused.response();
        }
    }

    @GET
    @Path("/channels/{channel_name}/users")
    @Blocking
    @Operation(summary = "The users present on a presence channel (Pusher HTTP API)")
    @APIResponse(responseCode = "200", description = "The users present",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.UserList.class)))
    @APIResponse(responseCode = "default", description = "Refused: {\"error\": \"...\"} with the status",
            content = @Content(schema = @Schema(implementation = PusherApiBodies.Refusal.class)))
    public Response users(@PathParam("app_id") String appId, @PathParam("channel_name") String name) {
        try {
            authenticate(appId, null);
            PusherChannels.Channel channel = channelNamed(name);
            if (!channel.kind().isPresence()) {
                throw new Refused(400, "users are only listed for presence channels");
            }
            List<Map<String, String>> users = directory.userIds(name).stream().map(id -> Map.of("id", id)).toList();
            return ok(Map.of("users", users));
        } catch (Refused refused) {
            return refused.response();
        }
    }

    /** The app exists, the body is within bounds, and the query signs method, path and body. */
    private void authenticate(String appId, byte[] body) {
        if (!config.enabled() || !PusherSignatures.constantTimeEquals(config.appId().orElseThrow(), appId)) {
            throw new Refused(404, "unknown app");
        }
        if (body != null && body.length > config.maxRequestBytes()) {
            throw new Refused(413, "request body larger than " + config.maxRequestBytes() + " bytes");
        }
        Optional<PusherSignatures.ApiRefusal> refusal = PusherSignatures.verifyApiRequest(config.appKey().orElseThrow(),
                config.appSecret().orElseThrow(), config.apiTimestampWindow(), request.method().name(), request.path(),
                uri.getQueryParameters(true), body == null ? new byte[0] : body, Instant.now().getEpochSecond());
        if (refusal.isPresent()) {
            throw new Refused(refusal.get().status(), refusal.get().error());
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new Refused(400, "a JSON object body is required");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            JsonNode node = JSON.readTree(parser);
            if (node == null || !node.isObject() || parser.nextToken() != null) {
                throw new Refused(400, "the body must be one JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refused(400, "the body is not valid JSON");
        }
    }

    /** One event object, on each of its channels; in a batch an event names one channel. */
    private List<AppEvent> events(JsonNode event, boolean inBatch) {
        JsonNode name = event.get("name");
        if (name == null || !name.isTextual() || !StreamEventCheck.isAppEventName(name.asText())) {
            throw new Refused(400, "name must be 1 to " + StreamEventCheck.MAX_APP_EVENT_NAME_LENGTH
                    + " characters, not starting with pusher: or pusher_internal:");
        }
        if (EventType.fromWireName(name.asText()) != null) {
            throw new Refused(400, "name " + name.asText() + " is reserved for Leadline's own events");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isTextual()) {
            throw new Refused(400, "data must be a string");
        }
        if (data.asText().getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
            throw new Refused(413, "data larger than " + config.maxBodyBytes() + " bytes");
        }
        JsonNode socketId = event.get("socket_id");
        if (socketId != null && !socketId.isNull()
                && !(socketId.isTextual() && PusherSignatures.isSocketId(socketId.asText()))) {
            throw new Refused(400, "socket_id must look like 1234.5678");
        }
        List<String> names = channelNames(event, inBatch);
        JsonNode payload = PusherPublisher.dataOf(data.asText());
        String excluded = socketId == null || socketId.isNull() ? null : socketId.asText();
        List<AppEvent> events = new ArrayList<>(names.size());
        for (String channelName : names) {
            PusherChannels.Channel channel = PusherChannels.classify(channelName);
            if (channel.subject() == null) {
                throw new Refused(400, "channel " + channelName + " is not a channel events can be published to");
            }
            events.add(new AppEvent(name.asText(), channel, excluded, payload));
        }
        return events;
    }

    private List<String> channelNames(JsonNode event, boolean inBatch) {
        JsonNode channels = event.get("channels");
        JsonNode channel = event.get("channel");
        if ((channels == null) == (channel == null) || (inBatch && channels != null)) {
            throw new Refused(400, inBatch ? "each batch event needs one channel"
                    : "give either channels (an array) or channel (a string)");
        }
        if (channel != null) {
            if (!channel.isTextual()) {
                throw new Refused(400, "channel must be a string");
            }
            return List.of(channel.asText());
        }
        if (!channels.isArray() || channels.isEmpty()) {
            throw new Refused(400, "channels must be a non-empty array of strings");
        }
        if (channels.size() > config.maxChannelsPerEvent()) {
            throw new Refused(400, "at most " + config.maxChannelsPerEvent() + " channels per event");
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (JsonNode name : channels) {
            if (!name.isTextual()) {
                throw new Refused(400, "channels must be a non-empty array of strings");
            }
            names.add(name.asText());
        }
        return List.copyOf(names);
    }

    private PusherChannels.Channel channelNamed(String name) {
        PusherChannels.Channel channel = PusherChannels.classify(name);
        if (channel.kind() == PusherChannels.Kind.INVALID) {
            throw new Refused(400, "invalid channel name");
        }
        return channel;
    }

    private CompletionStage<Response> publish(List<AppEvent> events, String answer) {
        return publisher.publish(events).handle((published, failure) -> {
            if (failure != null) {
                LOG.warnf("Pusher API events not acknowledged by the stream: %s", failure.getMessage());
                return error(503, "the events could not be stored; retry");
            }
            return Response.ok(answer, MediaType.APPLICATION_JSON).build();
        });
    }

    private Set<String> info() {
        Set<String> info = new TreeSet<>();
        single("info").ifPresent(text -> {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    info.add(part.strip());
                }
            }
        });
        return info;
    }

    private Optional<String> single(String parameter) {
        List<String> values = uri.getQueryParameters(true).get(parameter);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private static Response ok(Object body) {
        try {
            return Response.ok(JSON.writeValueAsString(body), MediaType.APPLICATION_JSON).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response error(int status, String error) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON)
                    .entity(JSON.writeValueAsString(Map.of("error", error))).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
