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

    /** Pusher sockets open on this instance. */
    public int size() {
        return byConnection.size();
    }

    @Override
    public void memberAdded(String presenceKey, Member member) {
        String channel = PresenceMembers.channelOf(presenceKey);
        announce(channel, member, PusherFrames.memberAdded(channel, member.userId(), member.userInfoJson()));
    }

    @Override
    public void memberRemoved(String presenceKey, Member member) {
        String channel = PresenceMembers.channelOf(presenceKey);
        announce(channel, member, PusherFrames.memberRemoved(channel, member.userId()));
    }

    private void announce(String channel, Member member, String frame) {
        if (!channel.startsWith(PusherChannels.PRESENCE_PREFIX)) {
            return; // a presence of /ws only
        }
        Map<EventLoop, Set<ClientSession>> loops = subscriptions.of(PusherEventViews.key(channel));
        for (Map.Entry<EventLoop, Set<ClientSession>> group : loops.entrySet()) {
            group.getKey().execute(() -> {
                for (ClientSession session : group.getValue()) {
                    PusherConnection connection = byConnection.get(session.id());
                    if (connection != null && !member.userId().equals(connection.presenceUsers().get(channel))) {
                        session.sendText(frame);
                    }
                }
            });
        }
    }
}
