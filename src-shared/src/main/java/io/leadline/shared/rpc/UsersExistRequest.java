package io.leadline.shared.rpc;

import java.util.List;

/** Asks which of {@code userIds} (decimal account ids, at most {@link #MAX_IDS}) are accounts. */
public record UsersExistRequest(List<String> userIds) {

    public static final int MAX_IDS = 100;
}
