package io.leadline.payments.transaction.rest;

import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.MetricsSeries;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentFilter;
import io.leadline.payments.transaction.Refund;
import io.leadline.payments.transaction.service.PaymentQueries;
import io.leadline.payments.transaction.service.PaymentService;
import io.leadline.shared.security.Roles;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

@Path("/api/payments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class PaymentAdminResource {

    @Inject
    PaymentQueries queries;

    @Inject
    PaymentService payments;

    public record PageView(List<PaymentView> items, int page, int size, long total) {
    }

    public record RefundView(long id, long paymentId, BigDecimal amount, String currency, String reason,
            long creditsClawedBack, long creditsShortfall, boolean replayed, PaymentView payment) {
    }

    @GET
    @Path("/transactions")
    public Uni<PageView> transactions(
            @QueryParam("status") @Pattern(regexp = "pending|succeeded|failed|refunded") String status,
            @QueryParam("provider") @Pattern(regexp = "stripe|razorpay") String provider,
            @QueryParam("kind") @Pattern(regexp = "top_up|escrow") String kind,
            @QueryParam("customer_id") @Min(1) Long customerId,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        PaymentFilter filter = new PaymentFilter(status, provider, kind, customerId, instant("from", from),
                instant("to", to));
        return queries.list(filter, page, size).map(result -> new PageView(
                result.items().stream().map(PaymentView::of).toList(), page, size, result.total()));
    }

    /** {@code window}: 1h, 24h, 7d, 30d or all. */
    @GET
    @Path("/metrics")
    public Uni<Metrics> metrics(@QueryParam("window") @DefaultValue("24h") @Pattern(regexp = "1h|24h|7d|30d|all",
            message = "must be one of 1h, 24h, 7d, 30d, all") String window) {
        return queries.metrics(window);
    }

    /**
     * The monitor's charts: payments of the last {@code window} (1h, 6h or 24h) in buckets of {@code step}
     * (1m, 5m, 15m or 1h), at most 1,441 of them.
     */
    @GET
    @Path("/metrics/series")
    public Uni<MetricsSeries> series(
            @QueryParam("window") @DefaultValue("1h") @Pattern(regexp = "1h|6h|24h",
                    message = "must be one of 1h, 6h, 24h") String window,
            @QueryParam("step") @DefaultValue("1m") @Pattern(regexp = "1m|5m|15m|1h",
                    message = "must be one of 1m, 5m, 15m, 1h") String step) {
        return queries.series(window, step);
    }

    /**
     * An admin refund. An {@code Idempotency-Key} is bound to its first request: repeated with the same
     * body it answers 200 with the first refund ({@code replayed}); with another body or payment, 422.
     */
    @POST
    @Path("/{id}/refund")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "The refund",
            content = @Content(schema = @Schema(implementation = RefundView.class)))
    @APIResponse(responseCode = "200", description = "The refund this Idempotency-Key made before (replayed)",
            content = @Content(schema = @Schema(implementation = RefundView.class)))
    public Uni<Response> refund(@PathParam("id") long id, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Valid RefundRequest body) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to 200 characters");
        }
        String key = "admin:" + (idempotencyKey == null ? UUID.randomUUID() : idempotencyKey);
        RefundRequest request = body == null ? new RefundRequest(null, null) : body;
        return payments.find(id).flatMap(found -> {
            Payment payment = found.orElseThrow(() -> ProblemException.notFound("no payment " + id));
            if (!payment.isTopUp()) {
                throw ProblemException.conflict("payment " + id + " belongs to escrow " + payment.escrowId()
                        + "; refund it through the escrow");
            }
            return queries.refund(id, request.amount(), request.reason(), key);
        }).map(result -> {
            Refund refund = result.refund();
            RefundView view = new RefundView(refund.id(), refund.paymentId(), refund.amount(),
                    result.payment().currency(), refund.reason(), refund.creditsClawedBack(),
                    refund.creditsShortfall(), result.replayed(), PaymentView.of(result.payment()));
            return Response.status(result.replayed() ? Response.Status.OK : Response.Status.CREATED).entity(view)
                    .build();
        });
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
    }
}
