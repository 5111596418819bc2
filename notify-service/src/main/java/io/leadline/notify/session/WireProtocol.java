package io.leadline.notify.session;

/** What a protocol adapter tells the core about its wire: how each kind of ending looks to its clients. */
public interface WireProtocol {

    /** The close code a standard client of this protocol understands for {@code end}. */
    short closeCode(SessionEnd end);

    /** The close reason text for {@code end}. */
    String closeReason(SessionEnd end);

    /** A frame sent just before the close, or null when the close code says it all. */
    default String lastFrame(SessionEnd end) {
        return null;
    }
}
