package io.leadline.payments.support;

import io.leadline.testing.TestTokens;

import java.util.concurrent.atomic.AtomicLong;

/** Distinct user ids per test, so tests sharing the database never see each other's wallets. */
public final class Users {

    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() % 1_000_000 * 1000 + 1000);

    private Users() {
    }

    public static long next() {
        return NEXT.incrementAndGet();
    }

    public static String admin() {
        return "Bearer " + TestTokens.token("1", "admin");
    }

    public static String bearer(long userId, String role) {
        return "Bearer " + TestTokens.token(String.valueOf(userId), role);
    }
}
