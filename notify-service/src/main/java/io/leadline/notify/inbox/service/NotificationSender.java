package io.leadline.notify.inbox.service;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
    public int send(String userId, String role, NotificationText text, String sender) {
        if ((userId == null) == (role == null)) {
            throw ProblemException.invalidField("user_id", "give exactly one of user_id and role");
        }
        // ask for the role's users before the transaction starts: no database connection waits on NATS
        List<String> recipients = userId != null ? List.of(userId) : usersByRole.userIds(role);
        if (recipients.isEmpty()) {
            return 0;
        }
        NotificationMessage message = new NotificationMessage(text.title(), text.message(), text.priority(), sender);
        List<Outbox.Pending> events = recipients.stream()
                .map(recipient -> new Outbox.Pending(Channels.user(recipient), message))
                .toList();
        QuarkusTransaction.requiringNew().run(() -> outbox.appendAll(events));
        return recipients.size();
    }
}
