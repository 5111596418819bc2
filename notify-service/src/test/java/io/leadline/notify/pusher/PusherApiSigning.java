package io.leadline.notify.pusher;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pusher HTTP API requests signed as Pusher documents it, written here independently of the server's
 * {@link PusherSignatures}, with the test app's key and secret.
 */
public final class PusherApiSigning {

    private PusherApiSigning() {
    }

    /** The query of a signed request: auth_key, auth_timestamp, auth_version, body_md5 (with a body), auth_signature. */
    public static Map<String, String> signed(String method, String path, String body, long timestamp) {
        Map<String, String> query = new TreeMap<>();
        query.put("auth_key", PusherSockets.KEY);
        query.put("auth_timestamp", Long.toString(timestamp));
        query.put("auth_version", "1.0");
        if (body != null) {
            query.put("body_md5", md5(body));
        }
        query.put("auth_signature", hmac(PusherSockets.SECRET, method + "\n" + path + "\n" + joined(query)));
        return query;
    }

    /** {@code k=v&k=v} of the query in key order, auth_signature left out. */
    public static String joined(Map<String, String> query) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(query).forEach((key, value) -> {
            if (!key.equals("auth_signature")) {
                text.append(text.isEmpty() ? "" : "&").append(key).append('=').append(value);
            }
        });
        return text.toString();
    }

    static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
