package io.leadline.notify.session;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every open session of this instance, and how many each user holds. */
@ApplicationScoped
public class Sessions {

    private final Map<String, ClientSession> byConnection = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

    /**
     * Registers a session unless its user already holds {@code maxPerUser} connections here; a session
     * without a user (a Pusher socket) is counted only in the total.
     */
    public boolean add(ClientSession session, int maxPerUser) {
        if (session.userId() == null) {
            byConnection.put(session.id(), session);
            return true;
        }
        boolean[] admitted = new boolean[1];
        perUser.compute(session.userId(), (id, count) -> {
            AtomicInteger held = count == null ? new AtomicInteger() : count;
            admitted[0] = held.get() < maxPerUser;
            if (admitted[0]) {
                held.incrementAndGet();
            }
            return held.get() == 0 ? null : held;
        });
        if (admitted[0]) {
            byConnection.put(session.id(), session);
        }
        return admitted[0];
    }

    public ClientSession remove(String connectionId) {
        ClientSession session = byConnection.remove(connectionId);
        if (session != null && session.userId() != null) {
            perUser.computeIfPresent(session.userId(), (id, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
        return session;
    }

    public ClientSession get(String connectionId) {
        return byConnection.get(connectionId);
    }

    public Collection<ClientSession> all() {
        return byConnection.values();
    }

    public int size() {
        return byConnection.size();
    }
}
