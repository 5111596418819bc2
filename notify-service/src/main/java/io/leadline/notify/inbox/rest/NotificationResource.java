package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.NotificationId;
import io.leadline.notify.inbox.Priority;
import io.leadline.notify.inbox.service.InboxPosition;
import io.leadline.notify.inbox.service.InboxService;
import io.leadline.notify.inbox.service.NotificationSender;
import io.leadline.notify.inbox.service.NotificationText;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The caller's own notification inbox; admins may also send notifications. Every read and change
 * first waits until the inbox holds what the stream held when the request arrived
 * ({@link InboxPosition}): a notification a client has seen on its socket is there, by its inbox id
 * and by the event id of its frame.
 */
@Path("/api/notifications")
@Tag(name = "notifications")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    public static final int MAX_PAGE_SIZE = 100;
    public static final int MAX_PAGE = 10_000;
    private static final String WHOLE_NUMBER = "must be a whole number";

    @Inject
    InboxService inbox;

    @Inject
    NotificationSender sender;

    @Inject
    InboxPosition position;

    @Inject
    Caller caller;

    @Inject
    JsonWebToken token;

    @GET
    public Uni<NotificationPage> list(
            // strings, so that "page=abc" is a 400 naming the parameter instead of the JAX-RS 404
            @QueryParam("page") @DefaultValue("0") @Pattern(regexp = "\\d{1,5}", message = WHOLE_NUMBER)
            @Max(MAX_PAGE) String page,
            @QueryParam("size") @DefaultValue("20") @Pattern(regexp = "\\d{1,3}", message = WHOLE_NUMBER)
            @Min(1) @Max(MAX_PAGE_SIZE) String size,
            @QueryParam("unread") @DefaultValue("false") @Pattern(regexp = "true|false", message = "must be true or false")
            String unread) {
        int pageNumber = Integer.parseInt(page);
        int pageSize = Integer.parseInt(size);
        String user = userId();
        return position.awaitStreamHead()
                .chain(() -> inbox.list(user, Boolean.parseBoolean(unread), pageNumber, pageSize))
                .map(found -> NotificationPage.of(found, pageNumber, pageSize));
    }

    @GET
    @Path("/unread-count")
    public Uni<UnreadCount> unreadCount() {
        String user = userId();
        return position.awaitStreamHead().chain(() -> inbox.unread(user)).map(UnreadCount::of);
    }

    /** One of the caller's notifications, by its inbox id or by the id of the event a frame carried. */
    @GET
    @Path("/{id}")
    public Uni<NotificationView> get(@PathParam("id") String id) {
        String user = userId();
        NotificationId notification = parse(id);
        return position.awaitStreamHead().chain(() -> inbox.find(user, notification)).map(NotificationView::of);
    }

    /**
     * Marks one of the caller's notifications read, by its inbox id or by the id of the event a frame
     * carried, and tells every connection of the caller.
     */
    @POST
    @Path("/{id}/read")
    public Uni<ReadResult> markRead(@PathParam("id") String id) {
        String user = userId();
        NotificationId notification = parse(id);
        return position.awaitStreamHead().chain(() -> inbox.markRead(user, notification)).map(ReadResult::of);
    }

    @POST
    @Path("/read-all")
    public Uni<ReadResult> markAllRead() {
        String user = userId();
        return position.awaitStreamHead().chain(() -> inbox.markAllRead(user)).map(ReadResult::of);
    }

    /** Clears the caller's whole inbox: everything it could have seen, up to the stream's head. */
    @DELETE
    @APIResponse(responseCode = "204", description = "The inbox is empty")
    public Uni<Response> clear() {
        String user = userId();
        return position.awaitStreamHead().chain(() -> inbox.clear(user)).map(cleared -> Response.noContent().build());
    }

    /** Sends a {@code notification_message} to one user or to every user with a role. */
    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "Written to the outbox; delivery follows within moments",
            content = @Content(schema = @Schema(implementation = SendResult.class)))
    public Uni<Response> send(@NotNull(message = "a JSON body is required") @Valid SendRequest request) {
        String from = token.getName() != null ? token.getName() : userId();
        return sender.send(request.userId(), request.role(),
                        new NotificationText(request.title().strip(), request.message().strip(),
                                request.priority() == null ? Priority.NORMAL : request.priority()),
                        from)
                .map(recipients -> Response.accepted(new SendResult(recipients)).build());
    }

    /** An id that can name no notification is simply not found, like someone else's. */
    private static NotificationId parse(String id) {
        return NotificationId.parse(id)
                .orElseThrow(() -> ProblemException.notFound("no notification has that id"));
    }

    private String userId() {
        return caller.userIdText();
    }
}
