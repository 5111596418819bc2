package io.leadline.notify.pusher;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Channel occupancy as a test sets it: channel name to its subscriptions and present users. */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestChannelDirectory implements ChannelDirectory {

    public record Occupancy(int subscriptions, List<String> users) {
    }

    private final Map<String, Occupancy> channels = new ConcurrentHashMap<>();

    public void occupy(String channel, int subscriptions, List<String> users) {
        channels.put(channel, new Occupancy(subscriptions, List.copyOf(users)));
    }

    public void clear() {
        channels.clear();
    }

    @Override
    public Set<String> occupiedChannels() {
        return Set.copyOf(channels.keySet());
    }

    @Override
    public int subscriptionCount(String pusherChannel) {
        Occupancy occupancy = channels.get(pusherChannel);
        return occupancy == null ? 0 : occupancy.subscriptions();
    }

    @Override
    public int userCount(String pusherChannel) {
        return userIds(pusherChannel).size();
    }

    @Override
    public List<String> userIds(String pusherChannel) {
        Occupancy occupancy = channels.get(pusherChannel);
        return occupancy == null || !pusherChannel.startsWith("presence-") ? List.of() : occupancy.users();
    }
}
