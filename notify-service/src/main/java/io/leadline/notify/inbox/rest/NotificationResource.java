package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.Priority;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.notify.inbox.service.InboxService;
import io.leadline.notify.inbox.service.NotificationSender;
import io.leadline.notify.inbox.service.NotificationText;
import io.leadline.shared.event.Channels;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own notification inbox; admins may also send notifications. */
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
    JsonWebToken caller;

    @GET
    public NotificationPage list(
            // strings, so that "page=abc" is a 400 naming the parameter instead of the JAX-RS 404
            @QueryParam("page") @DefaultValue("0") @Pattern(regexp = "\\d{1,5}", message = WHOLE_NUMBER)
            @Max(MAX_PAGE) String page,
            @QueryParam("size") @DefaultValue("20") @Pattern(regexp = "\\d{1,3}", message = WHOLE_NUMBER)
            @Min(1) @Max(MAX_PAGE_SIZE) String size,
            @QueryParam("unread") @DefaultValue("false") @Pattern(regexp = "true|false", message = "must be true or false")
            String unread) {
        int pageNumber = Integer.parseInt(page);
        int pageSize = Integer.parseInt(size);
        NotificationRepository.Page found = inbox.list(userId(), Boolean.parseBoolean(unread), pageNumber, pageSize);
        return new NotificationPage(found.items().stream().map(NotificationView::of).toList(), pageNumber, pageSize,
                found.total());
    }

    @GET
    @Path("/unread-count")
    public UnreadCount unreadCount() {
        return new UnreadCount(inbox.unreadCount(userId()));
    }

    /** Marks one of the caller's notifications read and tells every connection of the caller. */
    @POST
    @Path("/{id}/read")
    public ReadResult markRead(@PathParam("id") long id) {
        return ReadResult.of(inbox.markRead(userId(), id));
    }

    @POST
    @Path("/read-all")
    public ReadResult markAllRead() {
        return ReadResult.of(inbox.markAllRead(userId()));
    }

    /** Clears the caller's whole inbox. */
    @DELETE
    public Response clear() {
        inbox.clear(userId());
        return Response.noContent().build();
    }

    /** Sends a {@code notification_message} to one user or to every user with a role. */
    @POST
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@NotNull(message = "a JSON body is required") @Valid SendRequest request) {
        String from = caller.getName() != null ? caller.getName() : userId();
        int recipients = sender.send(request.userId(), request.role(),
                new NotificationText(request.title().strip(), request.message().strip(),
                        request.priority() == null ? Priority.NORMAL : request.priority()),
                from);
        return Response.accepted(new SendResult(recipients)).build();
    }

    private String userId() {
        String subject = caller.getSubject();
        if (!Channels.isId(subject)) {
            throw ProblemException.unauthorized("the token does not name a user");
        }
        return subject;
    }
}
