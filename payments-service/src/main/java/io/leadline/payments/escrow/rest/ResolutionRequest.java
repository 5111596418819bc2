package io.leadline.payments.escrow.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An admin's decision on a dispute: release to the seller or refund the buyer. */
public record ResolutionRequest(
        @NotNull @Pattern(regexp = "release|refund", message = "must be release or refund") String outcome,
        @Size(max = 1000) String note) {
}
