package io.leadline.notify.presence;

import java.util.Objects;

/**
 * A member of a presence key: the user and what the others are told about them.
 *
 * @param userId       the user's id
 * @param userInfoJson compact JSON object text, e.g. {@code {"name":"ann","role":"provider"}}; passed on as is
 */
public record Member(String userId, String userInfoJson) {

    public Member {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userInfoJson, "userInfoJson");
    }
}
