package io.leadline.notify.authorization;

/** Who asks to see a channel: the subject and role of a verified token. */
public record Viewer(String userId, String role) {
}
