package io.leadline.notify.inbox.rest;

import io.leadline.notify.inbox.Priority;
import io.leadline.notify.inbox.service.NotificationText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An admin message to one user ({@code user_id}) or to every user with a {@code role}; exactly one of the two. */
public record SendRequest(
        @Pattern(regexp = "[A-Za-z0-9_-]{1,64}", message = "must be 1 to 64 letters, digits, '-' or '_'")
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

    static final String ROLES = "provider|property_manager|customer|admin";
}
