package io.leadline.shared.event;

import java.util.regex.Pattern;

/**
 * Channel names and their NATS subjects. An event of channel {@code escrow.42} travels on
 * {@code ch.{owner}.escrow.42}, where the owner is the service that publishes its type
 * ({@code ch.payments.escrow.42}); every subject of a channel is {@code ch.*.escrow.42}, and the
 * {@code CHANNELS} stream captures {@code ch.>}. The owner token lets NATS permissions keep each
 * service to its own events and lets the gateway check who published what.
 */
public final class Channels {

    public static final String SUBJECT_PREFIX = "ch.";
    public static final String ALL_SUBJECTS = SUBJECT_PREFIX + ">";

    public static final String LEADS = "leads";
    public static final String PAYMENTS_MONITOR = "payments.monitor";
    public static final String USER_PREFIX = "user.";
    public static final String ESCROW_PREFIX = "escrow.";
    /** {@code lead.{id}}: who is looking at a lead (presence); no service publishes events on it. */
    public static final String LEAD_PREFIX = "lead.";

    /** Ids inside channel names: letters, digits, '-' and '_' only, so a name never spans NATS tokens. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Channels() {
    }

    public static String user(Object userId) {
        return USER_PREFIX + requireId(userId);
    }

    public static String escrow(Object escrowId) {
        return ESCROW_PREFIX + requireId(escrowId);
    }

    /** The subject an event of {@code type} on {@code channel} is published on. */
    public static String subjectOf(EventType type, String channel) {
        return SUBJECT_PREFIX + type.owner().token() + "." + channel;
    }

    /** The subject of an envelope, from its type's owner; an unknown type has none. */
    public static String subjectOf(EventEnvelope<?> envelope) {
        EventType type = EventType.fromWireName(envelope.type());
        if (type == null) {
            throw new IllegalArgumentException("unknown event type: " + envelope.type());
        }
        return subjectOf(type, envelope.channel());
    }

    /** Every subject of a channel, whoever published on it: a consumer filter such as {@code ch.*.leads}. */
    public static String subjectsOf(String channel) {
        return SUBJECT_PREFIX + "*." + channel;
    }

    /** Where every event of one owner goes, for its publish permission: {@code ch.payments.>}. */
    public static String subjectsOwnedBy(Owner owner) {
        return SUBJECT_PREFIX + owner.token() + ".>";
    }

    /** The channel a subject carries, or null when it is not {@code ch.{known owner}.{channel}}. */
    public static String channelOf(String subject) {
        int ownerEnd = ownerEnd(subject);
        return ownerEnd < 0 ? null : subject.substring(ownerEnd + 1);
    }

    /** The owner named in a subject, or null when it is not {@code ch.{known owner}.{channel}}. */
    public static Owner ownerOf(String subject) {
        int ownerEnd = ownerEnd(subject);
        return ownerEnd < 0 ? null : Owner.fromToken(subject.substring(SUBJECT_PREFIX.length(), ownerEnd));
    }

    private static int ownerEnd(String subject) {
        if (subject == null || !subject.startsWith(SUBJECT_PREFIX)) {
            return -1;
        }
        int dot = subject.indexOf('.', SUBJECT_PREFIX.length());
        if (dot < 0 || dot == subject.length() - 1
                || Owner.fromToken(subject.substring(SUBJECT_PREFIX.length(), dot)) == null) {
            return -1;
        }
        return dot;
    }

    /** The kind of a channel, or {@code null} when the name is not one the platform knows. */
    public static ChannelKind kindOf(String channel) {
        if (channel == null) {
            return null;
        }
        if (LEADS.equals(channel)) {
            return ChannelKind.LEADS;
        }
        if (PAYMENTS_MONITOR.equals(channel)) {
            return ChannelKind.PAYMENTS_MONITOR;
        }
        if (channel.startsWith(USER_PREFIX) && isId(channel.substring(USER_PREFIX.length()))) {
            return ChannelKind.USER;
        }
        if (channel.startsWith(ESCROW_PREFIX) && isId(channel.substring(ESCROW_PREFIX.length()))) {
            return ChannelKind.ESCROW;
        }
        if (channel.startsWith(LEAD_PREFIX) && isId(channel.substring(LEAD_PREFIX.length()))) {
            return ChannelKind.LEAD;
        }
        return null;
    }

    public static String lead(Object leadId) {
        return LEAD_PREFIX + requireId(leadId);
    }

    /** The id part of a {@code user.{id}}, {@code escrow.{id}} or {@code lead.{id}} channel. */
    public static String idOf(String channel) {
        int dot = channel.indexOf('.');
        return dot < 0 ? null : channel.substring(dot + 1);
    }

    public static boolean isId(String candidate) {
        return candidate != null && ID.matcher(candidate).matches();
    }

    private static String requireId(Object id) {
        String text = String.valueOf(id);
        if (!isId(text)) {
            throw new IllegalArgumentException("invalid channel id: " + text);
        }
        return text;
    }

    public enum ChannelKind {
        USER, LEADS, ESCROW, PAYMENTS_MONITOR,
        /** Presence only: members join and leave; events reach it only from the Pusher HTTP API. */
        LEAD
    }
}
