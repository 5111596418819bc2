package io.leadline.notify.dashboard;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /config.json}: the only place the dashboard pages learn where the other services are. */
@Path("/config.json")
public class DashboardConfigResource {

    @Inject
    DashboardOrigins origins;

    /** What a page needs besides its own origin. */
    public record PageConfig(String leadsUrl, String paymentsUrl) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Where the dashboards reach leads- and payments-service")
    public PageConfig config(@Context HttpServerRequest request) {
        DashboardOrigins.Origins page = origins.of(request);
        return new PageConfig(page.leads(), page.payments());
    }
}
