package io.leadline.notify.presence;

/**
 * Told when a user becomes present on a key anywhere in the cluster (their first connection on any
 * instance joined) and when they stop being present (their last connection anywhere left, or the
 * instances holding their connections died). Called on one dedicated thread, never on an event loop,
 * in the order the registry saw the changes; a listener must not block for long.
 *
 * <p>{@code version} orders the change among all the registry's changes: a {@link PresenceRegistry#snapshot}
 * of version V already shows every change up to V, so a subscriber that started from it skips those.
 */
public interface PresenceListener {

    void memberAdded(String presenceKey, Member member, long version);

    void memberRemoved(String presenceKey, Member member, long version);
}
