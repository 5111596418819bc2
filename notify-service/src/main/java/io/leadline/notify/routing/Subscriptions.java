package io.leadline.notify.routing;

import io.leadline.notify.gateway.ClientSession;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The local index of who listens to what: channel → sessions of this instance. */
@ApplicationScoped
public class Subscriptions {

    private final ConcurrentHashMap<String, Set<ClientSession>> byChannel = new ConcurrentHashMap<>();

    public void add(String channel, ClientSession session) {
        byChannel.computeIfAbsent(channel, key -> ConcurrentHashMap.newKeySet()).add(session);
    }

    public void remove(String channel, ClientSession session) {
        byChannel.computeIfPresent(channel, (key, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    public void removeAll(ClientSession session) {
        for (String channel : session.channels().toArray(String[]::new)) {
            remove(channel, session);
        }
    }

    public Set<ClientSession> of(String channel) {
        Set<ClientSession> sessions = byChannel.get(channel);
        return sessions == null ? Collections.emptySet() : sessions;
    }

    public int channelCount() {
        return byChannel.size();
    }

    public long subscriptionCount() {
        return byChannel.values().stream().mapToLong(Set::size).sum();
    }
}
