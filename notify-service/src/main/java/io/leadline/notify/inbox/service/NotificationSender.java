package io.leadline.notify.inbox.service;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Admin messages: a {@code notification_message} on the channel of one user, or of every user with a
 * role, written to the outbox in one transaction (all recipients or none). The inbox consumers then
 * store them like any other notification.
 */
@ApplicationScoped
public class NotificationSender {

    @Inject
    UsersByRole usersByRole;

    @Inject
    Outbox outbox;

    /** Exactly one of {@code userId} and {@code role}; the text is already validated. Returns the recipients. */
    public Uni<Integer> send(String userId, String role, NotificationText text, String sender) {
        if ((userId == null) == (role == null)) {
            return Uni.createFrom().failure(
                    ProblemException.invalidField("user_id", "give exactly one of user_id and role"));
        }
        // ask for the role's users before the transaction starts: no database connection waits on NATS
        Uni<List<String>> recipients = userId != null ? Uni.createFrom().item(List.of(userId))
                : usersByRole.userIds(role);
        NotificationMessage message = new NotificationMessage(text.title(), text.message(), text.priority(), sender);
        return recipients.flatMap(users -> {
            if (users.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Outbox.Pending> events = users.stream()
                    .map(recipient -> new Outbox.Pending(Channels.user(recipient), message))
                    .toList();
            return outbox.inTransaction(() -> outbox.appendAll(events)).replaceWith(users.size());
        });
    }
}
