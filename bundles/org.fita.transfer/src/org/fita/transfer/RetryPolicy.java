package org.fita.transfer;

import java.time.Duration;

/**
 * How a transfer whose connections break (server restart, reset, timeout, refused token) tries
 * again: after a delay that doubles from {@code firstDelay} up to {@code maxDelay}, at most
 * {@code attempts} times and not after {@code within} since the transfer began. Each attempt plans
 * again and continues from the blocks the server holds (uploads) or the part file (downloads).
 *
 * @param attempts   retries after the first try; 0 turns retrying off
 * @param within     no retry starts later than this after the transfer began
 * @param firstDelay delay before the first retry
 * @param maxDelay   the longest delay between two tries
 */
public record RetryPolicy(int attempts, Duration within, Duration firstDelay, Duration maxDelay) {
    /** 10 retries within 5 minutes, after 1, 2, 4, ... up to 30 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofSeconds(30));
    /** No retry: the first failure is final. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (attempts < 0 || attempts > 1000) {
            throw new IllegalArgumentException("attempts must be within 0..1000, not " + attempts + ".");
        }
        if (within.isNegative() || firstDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("Retry times must not be negative.");
        }
    }

    /** The delay before retry {@code attempt} (1 for the first). */
    public Duration delay(int attempt) {
        long millis = firstDelay.toMillis();
        for (int i = 1; i < attempt && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
