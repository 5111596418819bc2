package io.leadline.shared.event;

import java.util.regex.Pattern;

/**
 * Channel names and their NATS subjects. Channel {@code escrow.42} travels on subject
 * {@code ch.escrow.42}; the {@code CHANNELS} stream captures {@code ch.>}.
 */
public final class Channels {

    public static final String SUBJECT_PREFIX = "ch.";
    public static final String ALL_SUBJECTS = SUBJECT_PREFIX + ">";

    public static final String LEADS = "leads";
    public static final String PAYMENTS_MONITOR = "payments.monitor";
    public static final String USER_PREFIX = "user.";
    public static final String ESCROW_PREFIX = "escrow.";

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

    public static String subjectOf(String channel) {
        return SUBJECT_PREFIX + channel;
    }

    public static String channelOf(String subject) {
        if (!subject.startsWith(SUBJECT_PREFIX)) {
            throw new IllegalArgumentException("not a channel subject: " + subject);
        }
        return subject.substring(SUBJECT_PREFIX.length());
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
        return null;
    }

    /** The id part of a {@code user.{id}} or {@code escrow.{id}} channel. */
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
        USER, LEADS, ESCROW, PAYMENTS_MONITOR
    }
}
