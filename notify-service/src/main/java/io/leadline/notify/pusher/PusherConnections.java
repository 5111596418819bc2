package io.leadline.notify.pusher;

import io.leadline.notify.presence.Member;
import io.leadline.notify.presence.PresenceListener;
import io.leadline.notify.presence.PresenceRegistry;
import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.Subscriptions;
import io.netty.channel.EventLoop;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open Pusher sockets of this instance, and the presence changes of the whole cluster written to
 * the ones that watch them: {@code pusher_internal:member_added} and {@code member_removed} go to every
 * subscriber of the channel except the member's own connections.
 */
@ApplicationScoped
public class PusherConnections implements PresenceListener {

    private final Map<String, PusherConnection> byConnection = new ConcurrentHashMap<>();
    /** Presence memberships per user on this instance, over all of the user's sockets. */
    private final Map<String, Integer> membershipsByUser = new ConcurrentHashMap<>();

    @Inject
    Subscriptions subscriptions;

    @Inject
    PresenceRegistry presence;

    void start(@Observes StartupEvent event) {
        presence.addListener(this);
    }

    void put(String connectionId, PusherConnection connection) {
        byConnection.put(connectionId, connection);
    }

    PusherConnection get(String connectionId) {
        return byConnection.get(connectionId);
    }

    PusherConnection remove(String connectionId) {
        return byConnection.remove(connectionId);
    }

    /**
     * Counts one more presence membership of {@code userId}; false (nothing counted) when the user already
     * holds {@code max} here. A user holds as many presences as {@code /ws} lets them hold connections.
     */
    boolean takeMembership(String userId, int max) {
        boolean[] taken = new boolean[1];
        membershipsByUser.compute(userId, (user, held) -> {
            int count = held == null ? 0 : held;
            taken[0] = count < max;
            return taken[0] ? count + 1 : (count == 0 ? null : count);
        });
        return taken[0];
    }

    void releaseMembership(String userId) {
        membershipsByUser.computeIfPresent(userId, (user, held) -> held <= 1 ? null : held - 1);
    }

    /** Pusher sockets open on this instance. */
    public int size() {
        return byConnection.size();
    }

    @Override
    public void memberAdded(String presenceKey, Member member, long version) {
        String channel = PresenceMembers.channelOf(presenceKey);
        announce(channel, member, version, PusherFrames.memberAdded(channel, member.userId(), member.userInfoJson()));
    }

    @Override
    public void memberRemoved(String presenceKey, Member member, long version) {
        String channel = PresenceMembers.channelOf(presenceKey);
        announce(channel, member, version, PusherFrames.memberRemoved(channel, member.userId()));
    }

    /** To every subscriber but the member's own connections and those whose member list already shows it. */
    private void announce(String channel, Member member, long version, String frame) {
        if (!channel.startsWith(PusherChannels.PRESENCE_PREFIX)) {
            return; // a presence of /ws only
        }
        Map<EventLoop, Set<ClientSession>> loops = subscriptions.of(PusherEventViews.key(channel));
        for (Map.Entry<EventLoop, Set<ClientSession>> group : loops.entrySet()) {
            group.getKey().execute(() -> {
                for (ClientSession session : group.getValue()) {
                    PusherConnection connection = byConnection.get(session.id());
                    if (connection != null && !member.userId().equals(connection.presenceUsers().get(channel))
                            && connection.presenceVersions().getOrDefault(channel, 0L) < version) {
                        session.sendText(frame);
                    }
                }
            });
        }
    }
}
