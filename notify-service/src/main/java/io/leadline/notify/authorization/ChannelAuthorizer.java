package io.leadline.notify.authorization;

import io.leadline.shared.event.Channels;
import io.leadline.shared.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;

/** The server decides who may listen to a channel; the client only asks. */
@ApplicationScoped
public class ChannelAuthorizer {

    private static final Set<String> LEAD_ROLES = Set.of(Roles.PROVIDER, Roles.PROPERTY_MANAGER, Roles.ADMIN);

    @Inject
    EscrowParties escrowParties;

    public enum Decision {
        ALLOWED, FORBIDDEN, UNKNOWN_CHANNEL
    }

    public Decision decide(Viewer viewer, String channel) {
        Channels.ChannelKind kind = Channels.kindOf(channel);
        if (kind == null) {
            return Decision.UNKNOWN_CHANNEL;
        }
        if (viewer == null || viewer.userId() == null) {
            return Decision.FORBIDDEN;
        }
        boolean admin = Roles.ADMIN.equals(viewer.role());
        boolean allowed = switch (kind) {
            case USER -> viewer.userId().equals(Channels.idOf(channel));
            case LEADS, LEAD -> LEAD_ROLES.contains(viewer.role());
            case ESCROW -> admin || escrowParties.isParty(Channels.idOf(channel), viewer.userId());
            case PAYMENTS_MONITOR -> admin;
        };
        return allowed ? Decision.ALLOWED : Decision.FORBIDDEN;
    }
}
