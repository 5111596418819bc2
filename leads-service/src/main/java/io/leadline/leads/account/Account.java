package io.leadline.leads.account;

import java.time.Instant;

public record Account(long id, String username, String passwordHash, Role role, Instant createdAt) {
}
