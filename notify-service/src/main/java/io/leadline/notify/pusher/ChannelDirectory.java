package io.leadline.notify.pusher;

import java.util.List;
import java.util.Set;

/**
 * Who listens on which Pusher channel, for the HTTP API's channel queries. Every name here is a Pusher
 * channel name ({@code presence-lead.9}, {@code private-user.7}, {@code news}). Called off the event loop.
 */
public interface ChannelDirectory {

    /** The Pusher channels with at least one subscriber. */
    Set<String> occupiedChannels();

    /** Sockets subscribed to the channel; 0 when none. */
    int subscriptionCount(String pusherChannel);

    /** Distinct users present on a presence channel; 0 for other channels and when none. */
    int userCount(String pusherChannel);

    /** The ids of the users present on a presence channel; empty for other channels. */
    List<String> userIds(String pusherChannel);
}
