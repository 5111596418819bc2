package io.leadline.notify.gateway;

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

    /** Registers a session unless its user already holds {@code maxPerUser} connections here. */
    boolean add(ClientSession session, int maxPerUser) {
        AtomicInteger count = perUser.computeIfAbsent(session.userId(), id -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerUser) {
            count.decrementAndGet();
            return false;
        }
        byConnection.put(session.id(), session);
        return true;
    }

    ClientSession remove(String connectionId) {
        ClientSession session = byConnection.remove(connectionId);
        if (session != null) {
            perUser.computeIfPresent(session.userId(), (id, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
        return session;
    }

    ClientSession get(String connectionId) {
        return byConnection.get(connectionId);
    }

    public Collection<ClientSession> all() {
        return byConnection.values();
    }

    public int size() {
        return byConnection.size();
    }
}
