package io.leadline.payments.fraud.rest;

import io.leadline.payments.fraud.service.FraudAlerts;
import io.leadline.shared.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/fraud/alerts")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class FraudAlertResource {

    @Inject
    FraudAlerts alerts;

    @GET
    public Uni<List<FraudAlerts.AlertView>> list(
            @QueryParam("rule") @Pattern(regexp = "velocity|amount_threshold|repeated_failures") String rule,
            @QueryParam("customer_id") @Min(1) Long customerId,
            @QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        return alerts.list(rule, customerId, page, size);
    }
}
