package io.leadline.shared.event;

/** The data of one event; each implementation names its wire type once, in {@link EventType}. */
public interface Event {

    EventType eventType();
}
