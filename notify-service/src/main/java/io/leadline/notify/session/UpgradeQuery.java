package io.leadline.notify.session;

import io.quarkus.websockets.next.WebSocketConnection;

/** Parameters of a socket's upgrade request query, read once when the socket opens. */
public final class UpgradeQuery {

    private UpgradeQuery() {
    }

    /** The first value of {@code name} in the upgrade's query, as sent (not decoded), or null. */
    public static String param(WebSocketConnection connection, String name) {
        String query = connection.handshakeRequest().query();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }
}
