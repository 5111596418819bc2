package io.leadline.shared.rpc;

import java.util.List;

/**
 * The ids of the request that are accounts; an id not listed is not one. A malformed request (not a
 * list of at most {@link UsersExistRequest#MAX_IDS} ids) gets an empty list.
 */
public record UsersExistReply(List<String> existingUserIds) {
}
