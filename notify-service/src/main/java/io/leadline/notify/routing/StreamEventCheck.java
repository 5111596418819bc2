package io.leadline.notify.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.Owner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Whether a message of the stream may reach sockets and inboxes: valid UTF-8 JSON, an object, within
 * the size limit, of a known type, with an id, published under its type's owner and on the channel its
 * subject names, and read by the gateway's scans as a client's parser reads it (no {@code seq} of its own,
 * a platform type where the router looks for it). The bus is not trusted: a process on it that got past the permissions, or a publisher
 * with a bug, must not be able to break delivery or recovery, nor speak for another service. A message
 * that fails is dropped, counted by reason ({@code leadline.gateway.events.rejected}) and logged at most
 * once a minute.
 *
 * <p>Besides the platform's event types, notify itself publishes app events (Pusher HTTP API and client
 * events, docs/protocol.md): under owner notify only, a type that is no {@link EventType} passes when it is
 * a valid app event name ({@link #isAppEventName}) on a known channel or a valid Pusher channel name
 * ({@link #isAppChannel}).
 */
@ApplicationScoped
public class StreamEventCheck {

    private static final Logger LOG = Logger.getLogger(StreamEventCheck.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Pusher's channel names; a dot may only separate two non-empty parts, so the name is a subject's tail. */
    private static final Pattern PUSHER_CHANNEL = Pattern.compile("[A-Za-z0-9_\\-=@,;]+(\\.[A-Za-z0-9_\\-=@,;]+)*");
    public static final int MAX_PUSHER_CHANNEL_LENGTH = 164;
    public static final int MAX_APP_EVENT_NAME_LENGTH = 200;

    /** The longest event id forwarded. */
    public static final int MAX_ID_LENGTH = 128;

    public enum Rejection {
        UNKNOWN_SUBJECT, TOO_LARGE, NOT_UTF8, NOT_JSON, UNKNOWN_TYPE, NO_ID, WRONG_OWNER, WRONG_CHANNEL, AMBIGUOUS
    }

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong sinceLogged = new AtomicLong();

    @PostConstruct
    void init() {
        for (Rejection reason : Rejection.values()) {
            rejected.put(reason, Counter.builder("leadline.gateway.events.rejected")
                    .description("stream messages not forwarded to clients or inboxes")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    /** True when the message may be forwarded; false (counted, maybe logged) when it is dropped. */
    public boolean accept(long seq, String subject, byte[] body) {
        return acceptedId(seq, subject, body) != null;
    }

    /** The event id of a message that may be forwarded; null (counted, maybe logged) when it is dropped. */
    public String acceptedId(long seq, String subject, byte[] body) {
        Object verdict = verdict(subject, body, config.maxEventBytes());
        if (verdict instanceof String id) {
            return id;
        }
        Rejection reason = (Rejection) verdict;
        rejected.get(reason).increment();
        long dropped = sinceLogged.incrementAndGet();
        long last = lastLogged.get();
        long now = System.nanoTime();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            sinceLogged.addAndGet(-dropped);
            LOG.warnf("dropped %d stream message(s) not fit to forward in the last minute; latest #%d on %s: %s",
                    dropped, seq, subject, reason.name().toLowerCase(Locale.ROOT));
        }
        return null;
    }

    /**
     * An id the gateway can remember: present and at most {@link #MAX_ID_LENGTH} characters (ours are 26-character
     * ULIDs), so the repeat record's memory is bounded by its message count, not by what a publisher sends.
     */
    private static boolean usableId(String id) {
        return id != null && !id.isBlank() && id.length() <= MAX_ID_LENGTH;
    }

    /** Why a message must not be forwarded, or null when it may be. */
    public static Rejection rejection(String subject, byte[] body, int maxBytes) {
        Object verdict = verdict(subject, body, maxBytes);
        return verdict instanceof Rejection reason ? reason : null;
    }

    /** The event id of a message that may be forwarded, or null; neither counted nor logged. */
    public static String acceptedId(String subject, byte[] body, int maxBytes) {
        Object verdict = verdict(subject, body, maxBytes);
        return verdict instanceof String id ? id : null;
    }

    /** The {@link Rejection} of a message that must not be forwarded, else its event id (a String). */
    private static Object verdict(String subject, byte[] body, int maxBytes) {
        String channel = Channels.channelOf(subject);
        Owner owner = Channels.ownerOf(subject);
        if (channel == null || owner == null) {
            return Rejection.UNKNOWN_SUBJECT;
        }
        boolean appChannel = owner == Owner.NOTIFY && isAppChannel(channel);
        if (Channels.kindOf(channel) == null && !appChannel) {
            return Rejection.UNKNOWN_SUBJECT;
        }
        if (body == null || body.length == 0) {
            return Rejection.NOT_JSON;
        }
        if (body.length > maxBytes) {
            return Rejection.TOO_LARGE;
        }
        if (!isUtf8(body)) {
            return Rejection.NOT_UTF8;
        }
        if (body[0] != '{' || body[body.length - 1] != '}') {
            return Rejection.NOT_JSON; // frames are built by splicing after the opening brace: nothing around it
        }
        Envelope envelope = read(body);
        if (envelope == null) {
            return Rejection.NOT_JSON;
        }
        if (envelope.seq) {
            // the gateway puts the stream's seq in front; a client's parser would take the publisher's (the
            // last of repeated keys) and recover from a position the stream never had
            return Rejection.AMBIGUOUS;
        }
        EventType type = EventType.fromWireName(envelope.type);
        if (type == null) {
            if (!appChannel || !isAppEventName(envelope.type)) {
                return Rejection.UNKNOWN_TYPE;
            }
            if (!usableId(envelope.id)) {
                return Rejection.NO_ID;
            }
            return channel.equals(envelope.channel) ? envelope.id : Rejection.WRONG_CHANNEL;
        }
        if (!usableId(envelope.id)) {
            return Rejection.NO_ID;
        }
        if (!type.wireName().equals(EventFrames.typeOf(body))) {
            // the router reads the type (the monitor kind filters) by a scan for the first "type":"…" of the
            // bytes: a type repeated, escaped, or after a nested "type" would pass a filter as another kind
            return Rejection.AMBIGUOUS;
        }
        if (type.owner() != owner) {
            return Rejection.WRONG_OWNER;
        }
        if (!channel.equals(envelope.channel) || Channels.kindOf(channel) != type.channelKind()) {
            return Rejection.WRONG_CHANNEL;
        }
        return envelope.id;
    }

    /**
     * The {@code type}s of the {@code /ws} protocol's own frames: an application event so named would look
     * like one to a {@code /ws} client of the channel.
     */
    private static final Set<String> WS_FRAME_TYPES = Set.of("connected", "subscribed", "unsubscribed", "pong",
            "refreshed", "error", "member_joined", "member_left");

    /**
     * An app event's name: 1 to 200 characters, none of Pusher's own ({@code pusher:}, {@code pusher_internal:})
     * and none of the {@code /ws} protocol's frame types.
     */
    public static boolean isAppEventName(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_APP_EVENT_NAME_LENGTH
                && !name.startsWith("pusher:") && !name.startsWith("pusher_internal:") && !WS_FRAME_TYPES.contains(name);
    }

    /** A channel app events may travel on: one the platform knows, or a valid Pusher channel name. */
    public static boolean isAppChannel(String channel) {
        return Channels.kindOf(channel) != null || isPusherChannelName(channel);
    }

    /**
     * Pusher's {@code [A-Za-z0-9_\-=@,.;]{1,164}}, less the names whose dots would leave an empty subject
     * token (leading, trailing or doubled): such a name cannot travel on the bus.
     */
    public static boolean isPusherChannelName(String channel) {
        return channel != null && !channel.isEmpty() && channel.length() <= MAX_PUSHER_CHANNEL_LENGTH
                && PUSHER_CHANNEL.matcher(channel).matches();
    }

    /** The envelope fields the check needs; the data is parsed for well-formedness and then skipped. */
    private static final class Envelope {
        String id;
        String type;
        String channel;
        boolean seq;
    }

    private static Envelope read(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Envelope envelope = new Envelope();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                switch (field) {
                    case "id" -> envelope.id = text;
                    case "type" -> envelope.type = text;
                    case "channel" -> envelope.channel = text;
                    case "seq" -> {
                        envelope.seq = true;
                        parser.skipChildren();
                    }
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
            return envelope;
        } catch (IOException e) {
            return null;
        }
    }

    /** Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF, nothing cut short. */
    static boolean isUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= bytes.length) {
                return false;
            }
            int code = b & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int next = bytes[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return false;
                }
                code = (code << 6) | (next & 0x3F);
            }
            if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }
}
