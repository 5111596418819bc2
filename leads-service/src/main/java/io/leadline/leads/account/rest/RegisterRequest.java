package io.leadline.leads.account.rest;

import io.leadline.leads.account.Role;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Self-registration; the role pattern leaves admin out on purpose. */
public record RegisterRequest(
        @NotBlank
        @Pattern(regexp = "[A-Za-z0-9._-]{3,40}", message = "must be 3 to 40 letters, digits, '.', '_' or '-'")
        String username,
        // bcrypt reads at most 72 bytes: a longer password would be silently truncated
        @NotNull @Size(min = 8, max = 72, message = "must be 8 to 72 characters long")
        String password,
        @NotNull
        @Pattern(regexp = Role.SELF_SERVICE_PATTERN, message = "must be one of provider, property_manager, customer")
        String role) {
}
