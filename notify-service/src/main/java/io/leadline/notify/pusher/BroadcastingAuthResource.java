package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadline.notify.authorization.ChannelAuthorizer;
import io.leadline.notify.authorization.EscrowParties;
import io.leadline.notify.authorization.Viewer;
import io.leadline.shared.event.Channels;
import io.leadline.shared.security.Caller;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The auth endpoint of Pusher clients (Laravel Echo's default paths): trades the caller's Leadline access
 * token, a socket id and a private or presence channel name for the channel's auth string. The server
 * decides ({@link ChannelAuthorizer} on the Leadline channel the name maps to, {@link PusherChannels}); for
 * presence it also writes the member's {@code channel_data} itself from the token, whatever the client sent.
 * Refusals are problem+json: 400 naming the field, 403 naming the reason, 401 without a valid token.
 * Runs on a worker thread: an escrow created a moment ago may need one read of the bucket.
 */
@Path("/")
@Tag(name = "pusher")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BroadcastingAuthResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SOCKET_ID = "socket_id";
    static final String CHANNEL_NAME = "channel_name";

    @Inject
    PusherConfig config;

    @Inject
    ChannelAuthorizer authorizer;

    @Inject
    EscrowParties escrowParties;

    @Inject
    Caller caller;

    @Inject
    JsonWebToken token;

    @POST
    @Path("broadcasting/auth")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    @Operation(summary = "Auth string for a private or presence Pusher channel (form)")
    public Map<String, String> authForm(@FormParam(SOCKET_ID) List<String> socketId,
            @FormParam(CHANNEL_NAME) List<String> channel) {
        return authorize(single(socketId, SOCKET_ID), single(channel, CHANNEL_NAME));
    }

    @POST
    @Path("api/broadcasting/auth")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    @Operation(summary = "Auth string for a private or presence Pusher channel (form)")
    public Map<String, String> apiAuthForm(@FormParam(SOCKET_ID) List<String> socketId,
            @FormParam(CHANNEL_NAME) List<String> channel) {
        return authorize(single(socketId, SOCKET_ID), single(channel, CHANNEL_NAME));
    }

    @POST
    @Path("broadcasting/auth")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Auth string for a private or presence Pusher channel (JSON)")
    public Map<String, String> authJson(JsonNode body) {
        return authorize(text(body, SOCKET_ID), text(body, CHANNEL_NAME));
    }

    @POST
    @Path("api/broadcasting/auth")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Auth string for a private or presence Pusher channel (JSON)")
    public Map<String, String> apiAuthJson(JsonNode body) {
        return authorize(text(body, SOCKET_ID), text(body, CHANNEL_NAME));
    }

    /** A form field given once, or null when absent; given twice it is refused, as the signature names one. */
    private static String single(List<String> values, String field) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ProblemException.invalidField(field, "is given more than once");
        }
        return values.get(0);
    }

    private static String text(JsonNode body, String field) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object with socket_id and channel_name");
        }
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw ProblemException.invalidField(field, "must be a string");
        }
        return value == null || value.isNull() ? null : value.asText();
    }

    Map<String, String> authorize(String socketId, String channelName) {
        if (!config.enabled()) {
            throw ProblemException.notFound("the Pusher adapter is not configured");
        }
        if (!PusherSignatures.isSocketId(socketId)) {
            throw ProblemException.invalidField(SOCKET_ID, "must look like 1234.5678");
        }
        if (channelName == null || channelName.isEmpty()) {
            throw ProblemException.invalidField(CHANNEL_NAME, "is required");
        }
        PusherChannels.Channel channel = PusherChannels.classify(channelName);
        switch (channel.kind()) {
            case INVALID -> throw ProblemException.invalidField(CHANNEL_NAME, "is not a valid channel name");
            // Laravel answers 403 here (no channel callback matches); the request is simply pointless, so 400
            case PUBLIC -> throw ProblemException.invalidField(CHANNEL_NAME,
                    "is a public channel: subscribe without authorization");
            case PRIVATE_OTHER, PRESENCE_OTHER -> throw ProblemException.forbidden("unknown channel: " + channelName);
            default -> {
            }
        }
        Viewer viewer = new Viewer(caller.userIdText(), role());
        String leadline = channel.authorizationChannel();
        ChannelAuthorizer.Decision decision = authorizer.decide(viewer, leadline);
        if (decision == ChannelAuthorizer.Decision.FORBIDDEN && Channels.kindOf(leadline) == Channels.ChannelKind.ESCROW) {
            // an escrow created a moment ago may not have reached the watch yet: ask the bucket once (a miss is
            // remembered for a while, so repeating the request does not read it again); this is a worker thread
            String escrowId = Channels.idOf(leadline);
            if (!escrowParties.exists(escrowId) && !escrowParties.recentlyUnknown(escrowId)) {
                escrowParties.refresh(escrowId);
                decision = authorizer.decide(viewer, leadline);
            }
        }
        switch (decision) {
            case UNKNOWN_CHANNEL -> throw ProblemException.forbidden("unknown channel: " + channelName);
            case FORBIDDEN -> throw ProblemException.forbidden("not allowed for this account: " + channelName);
            case ALLOWED -> {
            }
        }
        String key = config.appKey().orElseThrow();
        String secret = config.appSecret().orElseThrow();
        Map<String, String> answer = new LinkedHashMap<>();
        if (channel.kind().isPresence()) {
            String channelData = channelData(viewer);
            answer.put("auth", PusherSignatures.channelAuth(key, secret, socketId, channelName, channelData));
            answer.put("channel_data", channelData);
        } else {
            answer.put("auth", PusherSignatures.channelAuth(key, secret, socketId, channelName, null));
        }
        return answer;
    }

    /** {@code {"user_id":"<sub>","user_info":{"name":...,"role":...}}}, from the token only. */
    private String channelData(Viewer viewer) {
        Map<String, Object> info = new LinkedHashMap<>();
        String name = token.getName();
        info.put("name", name == null ? viewer.userId() : name);
        info.put("role", viewer.role());
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("user_id", viewer.userId());
        member.put("user_info", info);
        try {
            return JSON.writeValueAsString(member);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String role() {
        return token.getGroups() == null ? "" : token.getGroups().stream().sorted().findFirst().orElse("");
    }
}
