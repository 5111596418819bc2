package io.leadline.notify.pusher;

import io.leadline.notify.presence.Member;
import io.leadline.notify.presence.PresenceRegistry;
import io.leadline.notify.session.Subscriptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP API's view of channels. Presence comes from the cluster-wide registry, so every instance
 * answers the same members and user counts; subscription counts and the occupancy of channels without
 * presence are this instance's own sockets (docs/pusher.md).
 */
@ApplicationScoped
public class PusherDirectory implements ChannelDirectory {

    private static final String KEY_PREFIX = PusherEventViews.key("");

    @Inject
    Subscriptions subscriptions;

    @Inject
    PresenceRegistry presence;

    @Override
    public Set<String> occupiedChannels() {
        Set<String> channels = new TreeSet<>();
        for (String key : subscriptions.keys()) {
            if (key.startsWith(KEY_PREFIX)) {
                channels.add(key.substring(KEY_PREFIX.length()));
            }
        }
        for (String presenceKey : presence.keys()) {
            channels.add(PresenceMembers.channelOf(presenceKey));
        }
        return channels;
    }

    @Override
    public int subscriptionCount(String pusherChannel) {
        return subscriptions.count(PusherEventViews.key(pusherChannel));
    }

    @Override
    public int userCount(String pusherChannel) {
        String key = presenceKey(pusherChannel);
        return key == null ? 0 : presence.memberCount(key);
    }

    @Override
    public List<String> userIds(String pusherChannel) {
        String key = presenceKey(pusherChannel);
        List<String> ids = new ArrayList<>();
        if (key != null) {
            for (Member member : presence.members(key)) {
                ids.add(member.userId());
            }
        }
        return ids;
    }

    private static String presenceKey(String pusherChannel) {
        PusherChannels.Channel channel = PusherChannels.classify(pusherChannel);
        return channel.kind().isPresence() ? PresenceMembers.keyOf(channel) : null;
    }
}
