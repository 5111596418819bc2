package io.leadline.shared.rpc;

public record UsersByRoleRequest(String role) {
}
