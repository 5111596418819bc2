package io.leadline.notify.gateway;

import java.util.Set;

/**
 * A client frame of the {@code /ws} protocol (docs/protocol.md), decoded by {@link ClientFrames#parse(String)}.
 * {@link #id()} is the frame's optional {@code id} as text (null when absent or JSON null), echoed in the reply.
 */
public sealed interface ClientFrame extends ClientFrames.Result
        permits ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Ping, ClientFrame.Refresh {

    String id();

    /**
     * {@code {"type":"subscribe","channel":…,"since":…,"filter":{"kinds":[…]}}}.
     *
     * @param since null when absent or null, otherwise a non-negative stream sequence
     * @param kinds the monitor kinds to keep (unmodifiable, non-empty), or null for no filter
     */
    record Subscribe(String id, String channel, Long since, Set<String> kinds) implements ClientFrame {
    }

    /** {@code {"type":"unsubscribe","channel":…}}. */
    record Unsubscribe(String id, String channel) implements ClientFrame {
    }

    /** {@code {"type":"ping"}}. */
    record Ping(String id) implements ClientFrame {
    }

    /** {@code {"type":"refresh","token":…}}; the token is not checked here. */
    record Refresh(String id, String token) implements ClientFrame {
    }
}
