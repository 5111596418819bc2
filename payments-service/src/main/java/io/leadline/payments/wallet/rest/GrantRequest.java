package io.leadline.payments.wallet.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Credits given by an admin; the cap keeps a typo from minting a fortune. */
public record GrantRequest(
        @NotNull @Positive @Max(1_000_000_000L) Long amount,
        @NotBlank @Size(max = 500) String reason) {
}
