package io.leadline.notify.session;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Coalesces flushes per event loop: connections written to are flushed once by a task queued behind
 * the writes, so a burst of events queued on the loop costs one system call per connection, not one
 * per event and connection.
 */
final class LoopFlusher {

    private static final Map<EventLoop, LoopFlusher> BY_LOOP = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final List<ClientSession> dirty = new ArrayList<>();
    private boolean scheduled;

    private LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    static LoopFlusher of(EventLoop loop) {
        return BY_LOOP.computeIfAbsent(loop, LoopFlusher::new);
    }

    /** On the loop: remembers the session and makes sure a flush task is queued. */
    void schedule(ClientSession session) {
        dirty.add(session);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this::flushAll);
        }
    }

    private void flushAll() {
        scheduled = false;
        for (int i = 0; i < dirty.size(); i++) {
            ClientSession session = dirty.get(i);
            if (session.takeDirty()) {
                session.flush();
            }
        }
        dirty.clear();
    }
}
