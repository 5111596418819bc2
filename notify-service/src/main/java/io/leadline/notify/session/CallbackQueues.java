package io.leadline.notify.session;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * websockets-next runs each socket's callbacks one after another through a queue of its own: mutiny's
 * unbounded MPSC queue, whose first chunk has {@link Infrastructure#getBufferSizeS()} slots. Mutiny's default
 * of 256 slots is about 1 KB per socket, held for the life of every idle connection. The gateway's callbacks
 * are non-blocking and finish before they return, so that queue rarely holds more than a frame or two; with
 * 16 slots (mutiny's smallest) it costs 84 bytes and still grows by further chunks when it must.
 *
 * <p>The size is process-wide: mutiny's stream operators (none of this service's own code uses them) then
 * prefetch 16 items instead of 256. Set at start; a socket opened before keeps its larger chunk.
 */
@ApplicationScoped
public class CallbackQueues {

    static final int SLOTS = 16;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        Infrastructure.setBufferSizeS(SLOTS);
    }
}
