package io.leadline.notify.pusher;

import java.util.List;
import java.util.Map;

/**
 * The bodies of Pusher's HTTP API as {@link PusherApiResource} reads and writes them, for its OpenAPI
 * document only: the resource itself works on the raw bytes it signs and on JSON trees.
 */
final class PusherApiBodies {

    private PusherApiBodies() {
    }

    /** An event on {@code channel} or on each of {@code channels}; {@code data} is a string, usually JSON. */
    record TriggerEvent(String name, String data, String channel, List<String> channels, String socketId) {
    }

    /** Each event names one channel. */
    record TriggerBatch(List<TriggerEvent> batch) {
    }

    /** The answer to a batch: one empty object per event. */
    record TriggeredBatch(List<Map<String, Object>> batch) {
    }

    /** Occupied channels by name; {@code user_count} when asked for with {@code info=user_count}. */
    record ChannelList(Map<String, ChannelCount> channels) {
    }

    record ChannelCount(Integer userCount) {
    }

    /** {@code user_count} and {@code subscription_count} when asked for with {@code info}. */
    record ChannelState(boolean occupied, Integer userCount, Integer subscriptionCount) {
    }

    record UserList(List<UserId> users) {
    }

    record UserId(String id) {
    }

    /** Every refusal of the Pusher HTTP API, with its status. */
    record Refusal(String error) {
    }
}
