package io.leadline.leads.lead.rest;

import io.leadline.leads.lead.Contact;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.repository.LeadFilter;
import io.leadline.leads.lead.service.LeadService;
import io.leadline.leads.lead.service.LeadSubmission;
import io.leadline.leads.lead.service.LeadVisibility;
import io.leadline.leads.lead.validation.KnownCategory;
import io.leadline.leads.lead.validation.UsState;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Locale;

@Path("/api/leads")
@Tag(name = "leads")
@Produces(MediaType.APPLICATION_JSON)
public class LeadResource {

    public static final int MAX_PAGE_SIZE = 100;
    public static final int MAX_PAGE = 10_000;
    private static final String WHOLE_NUMBER = "must be a whole number";

    @Inject
    LeadService leads;

    @Inject
    LeadVisibility visibility;

    @Inject
    Caller caller;

    /** The public form: anyone may submit; the lead waits as {@code new} until an admin verifies it. */
    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "The lead, waiting as new for an admin to verify it",
            content = @Content(schema = @Schema(implementation = LeadView.class)))
    public Uni<Response> submit(@NotNull(message = "a JSON body is required") @Valid LeadForm form) {
        return leads.submit(new LeadSubmission(form.title().strip(), form.description().strip(), form.category(),
                new Contact(form.contactName().strip(), form.contactEmail().strip(), form.contactPhone().strip()),
                form.city().strip(), form.state().toUpperCase(Locale.ROOT), form.zip(), form.propertyType(),
                form.units(), form.urgency()))
                .map(lead -> Response.status(Response.Status.CREATED).entity(LeadView.of(lead, false)).build());
    }

    @POST
    @Path("/{id}/verify")
    @RolesAllowed(Roles.ADMIN)
    public Uni<LeadView> verify(@PathParam("id") long id) {
        return leads.verify(id).map(lead -> LeadView.of(lead, true));
    }

    /** Ends a lead's life on the marketplace: verified, distributed or full → closed; anything else is 409. */
    @POST
    @Path("/{id}/close")
    @RolesAllowed(Roles.ADMIN)
    public Uni<LeadView> close(@PathParam("id") long id) {
        return leads.close(id).map(lead -> LeadView.of(lead, true));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.PROVIDER, Roles.PROPERTY_MANAGER})
    public Uni<LeadPage> list(
            @QueryParam("category") @KnownCategory String category,
            @QueryParam("city") @Size(min = 1, max = 80) String city,
            @QueryParam("state") @UsState String state,
            @QueryParam("status") @Pattern(regexp = LeadStatus.PATTERN, message = "must be one of " + LeadStatus.PATTERN)
            String status,
            // strings, so that "page=abc" is a 400 naming the parameter instead of the JAX-RS 404
            @QueryParam("page") @DefaultValue("0") @Pattern(regexp = "\\d{1,5}", message = WHOLE_NUMBER)
            @Max(MAX_PAGE) String page,
            @QueryParam("size") @DefaultValue("20") @Pattern(regexp = "\\d{1,3}", message = WHOLE_NUMBER)
            @Min(1) @Max(MAX_PAGE_SIZE) String size) {
        int pageNumber = Integer.parseInt(page);
        int pageSize = Integer.parseInt(size);
        LeadFilter filter = new LeadFilter(category, city, state == null ? null : state.toUpperCase(Locale.ROOT),
                status == null ? null : LeadStatus.fromWireName(status).orElseThrow(),
                visibility.visibleStatuses(caller));
        return leads.list(filter, pageNumber, pageSize,
                        lead -> visibility.canSeeContact(lead, caller).map(contact -> LeadView.of(lead, contact)))
                .map(found -> new LeadPage(found.items(), pageNumber, pageSize, found.total()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.PROVIDER, Roles.PROPERTY_MANAGER})
    public Uni<LeadView> get(@PathParam("id") long id) {
        return leads.find(id)
                .map(found -> found.filter(lead -> visibility.canSee(lead, caller))
                        .orElseThrow(() -> LeadService.notFound(id)))
                .flatMap(lead -> visibility.canSeeContact(lead, caller).map(contact -> LeadView.of(lead, contact)));
    }
}
