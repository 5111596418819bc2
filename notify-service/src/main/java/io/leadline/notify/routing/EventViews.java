package io.leadline.notify.routing;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Another protocol's view of the stream. The router delivers each event to the subscribers of its
 * channel in the Leadline protocol; a protocol adapter that names channels differently, or shapes
 * events differently, adds views: a subscription key of its own and the encoder of its frame. Each
 * view's frame is encoded once per event, only when the key has subscribers, and shared by all of them.
 */
public interface EventViews {

    /** Adds to {@code into} the views of an event of {@code channel} with wire type {@code type}. */
    void viewsOf(String channel, String type, List<View> into);

    /** Subscribers of {@code key} receive the event as {@code encoder} frames it. */
    record View(String key, FrameEncoder encoder) {
    }

    /** A complete WebSocket frame for one event: the stream sequence and the envelope as published. */
    @FunctionalInterface
    interface FrameEncoder {
        ByteBuf encode(long seq, byte[] envelope);
    }
}
