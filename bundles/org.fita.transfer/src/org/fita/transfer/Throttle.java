package org.fita.transfer;

/**
 * Keeps a transfer under a byte rate by sleeping before a block when it is ahead. One throttle is
 * shared by all the connections of a transfer, so the limit holds for their sum.
 */
final class Throttle {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long passed;

    Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    // Sleeping under the lock is the point: the other connections are just as far ahead.
    synchronized void pass(long bytes) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            return;
        }
        passed += bytes;
        long dueNanos = (long) (passed * 1e9 / bytesPerSecond);
        long aheadMillis = (dueNanos - (System.nanoTime() - start)) / 1_000_000;
        if (aheadMillis > 0) {
            Thread.sleep(aheadMillis);
        }
    }
}
