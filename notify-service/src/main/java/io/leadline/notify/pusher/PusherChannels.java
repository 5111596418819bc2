package io.leadline.notify.pusher;

import io.leadline.notify.routing.StreamEventCheck;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Owner;

/**
 * What a Pusher channel name stands for in Leadline (the contract of issue 13):
 * <ul>
 * <li>{@code private-user.{id}}, {@code private-leads}, {@code private-escrow.{id}}, {@code private-payments.monitor}:
 * the Leadline channel without {@code private-} ({@link Kind#PRIVATE_LEADLINE});</li>
 * <li>{@code private-property-manager.{id}}: the {@code lead.distributed} events of {@code user.{id}},
 * authorized like {@code user.{id}} ({@link Kind#PROPERTY_MANAGER});</li>
 * <li>{@code presence-lead.{id}}: the presence key {@code lead.{id}} ({@link Kind#PRESENCE_LEAD});</li>
 * <li>any other {@code private-*} or {@code presence-*}: unknown, always refused;</li>
 * <li>anything else matching Pusher's name rule: public; except names that are themselves Leadline channel
 * names or presence keys ({@code leads}, {@code user.7}, {@code lead.9}), which would share their bus subject
 * with the protected channel and are therefore {@link Kind#INVALID}.</li>
 * </ul>
 */
public final class PusherChannels {

    public static final String PRIVATE_PREFIX = "private-";
    public static final String PRESENCE_PREFIX = "presence-";
    public static final String PROPERTY_MANAGER_PREFIX = "private-property-manager.";
    public static final String PRESENCE_LEAD_PREFIX = "presence-lead.";
    /** The prefix of the presence keys of {@code presence-lead.{id}}, also the Leadline channel authorized for it. */
    public static final String LEAD_PREFIX = "lead.";

    public enum Kind {
        PRIVATE_LEADLINE, PROPERTY_MANAGER, PRESENCE_LEAD, PRESENCE_OTHER, PRIVATE_OTHER, PUBLIC, INVALID;

        /** Whether subscribing needs an auth string (private and presence channels). */
        public boolean needsAuth() {
            return this == PRIVATE_LEADLINE || this == PROPERTY_MANAGER || this == PRESENCE_LEAD
                    || this == PRESENCE_OTHER || this == PRIVATE_OTHER;
        }

        public boolean isPresence() {
            return this == PRESENCE_LEAD || this == PRESENCE_OTHER;
        }
    }

    /**
     * A classified name. {@code leadlineChannel} is set for {@link Kind#PRIVATE_LEADLINE} ({@code user.7}) and
     * {@link Kind#PROPERTY_MANAGER} ({@code user.{userId}}); {@code userId} for PROPERTY_MANAGER;
     * {@code leadId} for PRESENCE_LEAD.
     */
    public record Channel(Kind kind, String name, String leadlineChannel, String userId, String leadId) {

        /** {@code lead.{id}} for {@code presence-lead.{id}}, null otherwise. */
        public String presenceKey() {
            return leadId == null ? null : LEAD_PREFIX + leadId;
        }

        /**
         * The Leadline channel ChannelAuthorizer decides on: the mapped channel, {@code user.{id}} for a
         * property manager's channel, {@code lead.{id}} for lead presence; null for channels that are never
         * authorized (public, unknown, invalid).
         */
        public String authorizationChannel() {
            return switch (kind) {
                case PRIVATE_LEADLINE, PROPERTY_MANAGER -> leadlineChannel;
                case PRESENCE_LEAD -> presenceKey();
                default -> null;
            };
        }

        /**
         * The channel of the bus envelope and subject for an event published to this Pusher channel: the
         * Leadline channel for {@code private-{leadline channel}}, the Pusher name for public, presence-lead and
         * property-manager channels; null for channels nothing can be published to.
         */
        public String busChannel() {
            return switch (kind) {
                case PRIVATE_LEADLINE -> leadlineChannel;
                // private-/presence- names outside Leadline's: the application's own, which its backend signs
                case PUBLIC, PRESENCE_LEAD, PROPERTY_MANAGER, PRIVATE_OTHER, PRESENCE_OTHER -> name;
                default -> null;
            };
        }

        /** {@code ch.notify.<bus channel>}; null when {@link #busChannel()} is. */
        public String subject() {
            String channel = busChannel();
            return channel == null ? null : Channels.SUBJECT_PREFIX + Owner.NOTIFY.token() + "." + channel;
        }
    }

    private PusherChannels() {
    }

    /** Pusher's rule ({@code [A-Za-z0-9_\-=@,.;]{1,164}}) less names with an empty dot-separated part. */
    public static boolean isValidName(String name) {
        return StreamEventCheck.isPusherChannelName(name);
    }

    public static Channel classify(String name) {
        if (!isValidName(name)) {
            return new Channel(Kind.INVALID, name, null, null, null);
        }
        if (name.startsWith(PROPERTY_MANAGER_PREFIX)) {
            String userId = name.substring(PROPERTY_MANAGER_PREFIX.length());
            return Channels.isId(userId)
                    ? new Channel(Kind.PROPERTY_MANAGER, name, Channels.USER_PREFIX + userId, userId, null)
                    : new Channel(Kind.PRIVATE_OTHER, name, null, null, null);
        }
        if (name.startsWith(PRIVATE_PREFIX)) {
            String leadline = name.substring(PRIVATE_PREFIX.length());
            Channels.ChannelKind kind = Channels.kindOf(leadline);
            // lead.{id} is a presence key, reached as presence-lead.{id} only
            return kind != null && kind != Channels.ChannelKind.LEAD
                    ? new Channel(Kind.PRIVATE_LEADLINE, name, leadline, null, null)
                    : new Channel(Kind.PRIVATE_OTHER, name, null, null, null);
        }
        if (name.startsWith(PRESENCE_LEAD_PREFIX)) {
            String leadId = name.substring(PRESENCE_LEAD_PREFIX.length());
            return Channels.isId(leadId)
                    ? new Channel(Kind.PRESENCE_LEAD, name, null, null, leadId)
                    : new Channel(Kind.PRESENCE_OTHER, name, null, null, null);
        }
        if (name.startsWith(PRESENCE_PREFIX)) {
            return new Channel(Kind.PRESENCE_OTHER, name, null, null, null);
        }
        if (Channels.kindOf(name) != null || name.startsWith(LEAD_PREFIX)) {
            return new Channel(Kind.INVALID, name, null, null, null); // would share a protected channel's subject
        }
        return new Channel(Kind.PUBLIC, name, null, null, null);
    }
}
