package io.leadline.notify.pusher;

/**
 * A message a client sends on a Pusher protocol 7 socket, decoded by {@link PusherFrames#parse(String)}.
 * Only the shape is checked there; authorization, subscription state and size limits are the socket's.
 */
public sealed interface PusherFrame extends PusherFrames.Result
        permits PusherFrame.Subscribe, PusherFrame.Unsubscribe, PusherFrame.Ping, PusherFrame.Pong,
        PusherFrame.ClientEvent {

    /**
     * {@code {"event":"pusher:subscribe","data":{"channel":…,"auth":…,"channel_data":…}}}.
     *
     * @param channel     a valid Pusher channel name
     * @param auth        the {@code auth} signature as sent, null when absent
     * @param channelData the {@code channel_data} exactly as sent when it is a string (what the signature covers);
     *                    an object is re-serialized compactly; null when absent
     */
    record Subscribe(String channel, String auth, String channelData) implements PusherFrame {
    }

    /** {@code {"event":"pusher:unsubscribe","data":{"channel":…}}}. */
    record Unsubscribe(String channel) implements PusherFrame {
    }

    /** {@code {"event":"pusher:ping","data":{}}}: answer {@link PusherFrames#pong()}. */
    record Ping() implements PusherFrame {
    }

    /** {@code {"event":"pusher:pong","data":{}}}: the answer to a server {@link PusherFrames#ping()}. */
    record Pong() implements PusherFrame {
    }

    /**
     * {@code {"event":"client-…","channel":"private-…","data":…}}.
     *
     * @param event    the event name, starting with {@code client-}, at most 200 characters
     * @param channel  a valid {@code private-} or {@code presence-} channel name
     * @param dataJson the data as compact JSON text: an object or other value re-serialized, a string as a JSON
     *                 string literal ({@code "\"hi\""}), {@code null} (the JSON text) when absent
     */
    record ClientEvent(String event, String channel, String dataJson) implements PusherFrame {
    }
}
