package io.leadline.notify.pusher;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The signatures of the Pusher protocol, exactly as Pusher documents them: the channel auth string a
 * client presents to subscribe to a private or presence channel, and the signed query of an HTTP API
 * request. Every comparison of a signature or digest runs in constant time.
 */
public final class PusherSignatures {

    public static final String AUTH_VERSION = "1.0";
    private static final Pattern SOCKET_ID = Pattern.compile("\\d{1,20}\\.\\d{1,20}");
    private static final HexFormat HEX = HexFormat.of();

    /** Why an HTTP API request is refused before anything in it is looked at; {@code status} is the HTTP status. */
    public record ApiRefusal(int status, String error) {
    }

    private PusherSignatures() {
    }

    /** {@code ^\d+\.\d+$}, as Pusher's socket ids are. */
    public static boolean isSocketId(String socketId) {
        return socketId != null && SOCKET_ID.matcher(socketId).matches();
    }

    /**
     * {@code key:hex(HMAC-SHA256(secret, socket_id:channel[:channel_data]))}, the {@code auth} of a
     * subscription; {@code channelData} is null for private channels.
     */
    public static String channelAuth(String key, String secret, String socketId, String channel, String channelData) {
        return key + ":" + hmacSha256Hex(secret, channelAuthMessage(socketId, channel, channelData));
    }

    /** Whether {@code auth} is the auth string of this socket, channel and channel data, compared in constant time. */
    public static boolean verifyChannelAuth(String key, String secret, String socketId, String channel, String channelData,
            String auth) {
        if (auth == null || socketId == null || channel == null) {
            return false;
        }
        return constantTimeEquals(channelAuth(key, secret, socketId, channel, channelData), auth);
    }

    private static String channelAuthMessage(String socketId, String channel, String channelData) {
        return channelData == null ? socketId + ":" + channel : socketId + ":" + channel + ":" + channelData;
    }

    /**
     * {@code METHOD\npath\nk=v&k=v}: the query's keys lowercased and sorted, {@code auth_signature}
     * left out, nothing URL-encoded. A key given twice (in any case) is refused: the signed string
     * would not say which value counts.
     */
    public static String stringToSign(String method, String path, Map<String, ? extends List<String>> query) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, ? extends List<String>> parameter : query.entrySet()) {
            String key = parameter.getKey().toLowerCase(Locale.ROOT);
            if ("auth_signature".equals(key)) {
                continue;
            }
            List<String> values = parameter.getValue();
            if (values == null || values.size() != 1 || sorted.put(key, values.get(0)) != null) {
                throw new IllegalArgumentException("query parameter " + key + " given more than once");
            }
        }
        StringBuilder text = new StringBuilder(method.toUpperCase(Locale.ROOT)).append('\n').append(path).append('\n');
        boolean first = true;
        for (Map.Entry<String, String> parameter : sorted.entrySet()) {
            if (!first) {
                text.append('&');
            }
            first = false;
            text.append(parameter.getKey()).append('=').append(parameter.getValue());
        }
        return text.toString();
    }

    /** The {@code auth_signature} of a request with this query (which must not hold one yet, or it is ignored). */
    public static String signRequest(String secret, String method, String path, Map<String, ? extends List<String>> query) {
        return hmacSha256Hex(secret, stringToSign(method, path, query));
    }

    /**
     * Checks an HTTP API request before anything in its body is read: {@code auth_key} is the app's key,
     * {@code auth_signature} signs method, path and query, {@code auth_version} is 1.0,
     * {@code auth_timestamp} lies within {@code window} of {@code nowEpochSeconds} either way, and a
     * POST (or any request with a body) carries the {@code body_md5} of its body. Empty when it passes.
     */
    public static Optional<ApiRefusal> verifyApiRequest(String key, String secret, Duration window, String method,
            String path, Map<String, ? extends List<String>> query, byte[] body, long nowEpochSeconds) {
        Map<String, String> auth = new TreeMap<>();
        for (Map.Entry<String, ? extends List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey().toLowerCase(Locale.ROOT);
            List<String> values = parameter.getValue();
            if (values == null || values.size() != 1 || auth.put(name, values.get(0)) != null) {
                return refused("query parameter " + name + " given more than once");
            }
            // the signed string joins k=v with '&' unescaped: a key or value holding '&' or '=' would let
            // a captured request be replayed with its parameters regrouped under the same signature
            if (name.indexOf('&') >= 0 || name.indexOf('=') >= 0 || values.get(0).indexOf('&') >= 0) {
                return refused("query parameter " + name + " may not contain '&'");
            }
        }
        String signature = auth.get("auth_signature");
        String authKey = auth.get("auth_key");
        String timestamp = auth.get("auth_timestamp");
        String version = auth.get("auth_version");
        if (signature == null || authKey == null || timestamp == null || version == null) {
            return refused("auth_key, auth_timestamp, auth_version and auth_signature are required");
        }
        if (!constantTimeEquals(key, authKey)) {
            return refused("unknown auth_key");
        }
        String expected = hmacSha256Hex(secret, stringToSign(method, path, query));
        if (!constantTimeEquals(expected, signature.toLowerCase(Locale.ROOT))) {
            return refused("invalid signature: expected HMAC-SHA256 hex digest of \"METHOD\\npath\\nsorted query\"");
        }
        if (!AUTH_VERSION.equals(version)) {
            return refused("auth_version must be " + AUTH_VERSION);
        }
        long signedAt;
        try {
            signedAt = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return refused("auth_timestamp must be whole seconds since the epoch");
        }
        // compared without subtracting the two: a timestamp near Long.MIN_VALUE must not wrap into the window
        if (signedAt < nowEpochSeconds - window.toSeconds() || signedAt > nowEpochSeconds + window.toSeconds()) {
            return refused("auth_timestamp is more than " + window.toSeconds() + " s from the server's time");
        }
        boolean hasBody = body != null && body.length > 0;
        String bodyMd5 = auth.get("body_md5");
        if (bodyMd5 == null) {
            if (hasBody || "POST".equalsIgnoreCase(method)) {
                return refused("body_md5 is required");
            }
        } else if (!constantTimeEquals(md5Hex(hasBody ? body : new byte[0]), bodyMd5.toLowerCase(Locale.ROOT))) {
            return refused("body_md5 does not match the body");
        }
        return Optional.empty();
    }

    private static Optional<ApiRefusal> refused(String error) {
        return Optional.of(new ApiRefusal(401, error));
    }

    public static String hmacSha256Hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static String md5Hex(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** Equality of two strings in time that depends on their lengths only. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
