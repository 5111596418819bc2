package io.leadline.leads.account.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

public record TokenRequest(@NotBlank @Size(max = 40) String username, @NotBlank @Size(max = 72) String password) {
}
