package io.leadline.shared.rpc;

import java.util.List;

public record UsersByRoleReply(List<String> userIds) {
}
