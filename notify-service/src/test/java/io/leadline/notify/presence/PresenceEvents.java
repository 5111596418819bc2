package io.leadline.notify.presence;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records what a registry tells its listeners, with the thread it was told on. */
final class PresenceEvents implements PresenceListener {

    record Event(String presenceKey, String userId, boolean added, String thread) {
    }

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    @Override
    public void memberAdded(String presenceKey, Member member, long version) {
        events.add(new Event(presenceKey, member.userId(), true, Thread.currentThread().getName()));
    }

    @Override
    public void memberRemoved(String presenceKey, Member member, long version) {
        events.add(new Event(presenceKey, member.userId(), false, Thread.currentThread().getName()));
    }

    List<Event> of(String presenceKey) {
        return events.stream().filter(event -> event.presenceKey().equals(presenceKey)).toList();
    }

    long added(String presenceKey, String userId) {
        return of(presenceKey).stream().filter(e -> e.added() && e.userId().equals(userId)).count();
    }

    long removed(String presenceKey, String userId) {
        return of(presenceKey).stream().filter(e -> !e.added() && e.userId().equals(userId)).count();
    }

    long added(String presenceKey) {
        return of(presenceKey).stream().filter(Event::added).count();
    }

    long removed(String presenceKey) {
        return of(presenceKey).stream().filter(e -> !e.added()).count();
    }
}
