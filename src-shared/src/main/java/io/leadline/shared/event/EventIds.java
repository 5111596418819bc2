package io.leadline.shared.event;

import com.github.f4b6a3.ulid.UlidFactory;

/** Event ids: ULIDs, monotonic within a process, so ids sort by creation time. */
public final class EventIds {

    private static final UlidFactory FACTORY = UlidFactory.newMonotonicInstance();

    private EventIds() {
    }

    public static String next() {
        return FACTORY.create().toString();
    }
}
