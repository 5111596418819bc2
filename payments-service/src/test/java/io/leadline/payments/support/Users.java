package io.leadline.payments.support;

import io.leadline.testing.TestTokens;

import java.util.concurrent.atomic.AtomicLong;

/** Distinct user ids per test, so tests sharing the database never see each other's wallets. */
public final class Users {

    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() % 1_000_000 * 1000 + 1000);

    private Users() {
    }

    /** A new user id; it is an account as far as {@link TestDirectory} (leads-service's stand-in) is concerned. */
    public static long next() {
        long id = NEXT.incrementAndGet();
        TestDirectory.ACCOUNTS.add(id);
        return id;
    }

    /** A user id that is no account. */
    public static long unknown() {
        return NEXT.incrementAndGet();
    }

    public static String admin() {
        return "Bearer " + TestTokens.token("1", "admin");
    }

    public static String bearer(long userId, String role) {
        return "Bearer " + TestTokens.token(String.valueOf(userId), role);
    }
}
