package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.Priority;
import io.leadline.notify.inbox.service.NotificationText;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An admin message to one user ({@code user_id}) or to every user with a {@code role}; exactly one of the two. */
public record SendRequest(
        @Pattern(regexp = Caller.ACCOUNT_ID_PATTERN, message = "must be an account id (a positive whole number)")
        String userId,
        @Pattern(regexp = ROLES, message = "must be one of " + ROLES)
        String role,
        @NotBlank(message = "must not be blank")
        @Size(max = NotificationText.MAX_TITLE, message = "must be at most {max} characters")
        String title,
        @NotBlank(message = "must not be blank")
        @Size(max = NotificationText.MAX_MESSAGE, message = "must be at most {max} characters")
        String message,
        @Pattern(regexp = Priority.PATTERN, message = "must be one of " + Priority.PATTERN)
        String priority) {

    static final String ROLES = Roles.PROVIDER + "|" + Roles.PROPERTY_MANAGER + "|" + Roles.CUSTOMER + "|" + Roles.ADMIN;
}
