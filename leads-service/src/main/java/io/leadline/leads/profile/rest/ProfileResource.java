package io.leadline.leads.profile.rest;

import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;
import io.leadline.leads.profile.service.ProfileService;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Locale;

@Path("/api/providers/me")
@Tag(name = "providers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.PROVIDER, Roles.PROPERTY_MANAGER})
public class ProfileResource {

    @Inject
    ProfileService profiles;

    @Inject
    Caller caller;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ProfileView> replace(@NotNull(message = "a JSON body is required") @Valid ProfileForm form) {
        List<ServiceArea> areas = form.serviceAreas().stream()
                .map(area -> new ServiceArea(area.city().strip(), area.state().toUpperCase(Locale.ROOT), area.zip()))
                .distinct().toList();
        List<String> types = form.propertyTypes() == null ? List.of() : form.propertyTypes().stream().distinct().toList();
        return profiles.save(new ProviderProfile(caller.userId(), form.categories().stream().distinct().toList(),
                areas, types, form.minUnits(), form.maxUnits())).map(ProfileView::of);
    }

    @GET
    public Uni<ProfileView> mine() {
        return profiles.find(caller.userId()).map(found -> found.map(ProfileView::of)
                .orElseThrow(() -> ProblemException.notFound("no profile yet: PUT /api/providers/me creates it")));
    }
}
