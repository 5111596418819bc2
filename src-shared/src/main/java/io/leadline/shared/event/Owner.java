package io.leadline.shared.event;

/**
 * The service that publishes an event type, and the token its subjects carry: an event of channel
 * {@code user.7} published by payments-service travels on {@code ch.payments.user.7}. The NATS
 * permissions let each service publish only under its own token, and the gateway drops an event whose
 * subject names another owner than its type's, so no service can speak for another.
 */
public enum Owner {
    LEADS("leads"),
    PAYMENTS("payments"),
    NOTIFY("notify");

    private final String token;

    Owner(String token) {
        this.token = token;
    }

    /** The subject token, also the service's NATS user name. */
    public String token() {
        return token;
    }

    public static Owner fromToken(String token) {
        for (Owner owner : values()) {
            if (owner.token.equals(token)) {
                return owner;
            }
        }
        return null;
    }
}
