package io.leadline.payments.escrow.rest;

import jakarta.validation.constraints.Size;

public record ConfirmRequest(@Size(max = 1000) String note) {
}
