package io.leadline.payments.transaction.service;

import java.security.SecureRandom;

/** Provider-style payment ids: Stripe {@code pi_…} (24 characters after the prefix), Razorpay {@code pay_…} (14). */
public final class ProviderReferences {

    public static final String STRIPE = "stripe";
    public static final String RAZORPAY = "razorpay";
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProviderReferences() {
    }

    public static String next(String provider) {
        return switch (provider) {
            case STRIPE -> "pi_" + random(24);
            case RAZORPAY -> "pay_" + random(14);
            default -> throw new IllegalArgumentException("unknown provider " + provider);
        };
    }

    private static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
