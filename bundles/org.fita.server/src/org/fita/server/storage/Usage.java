package org.fita.server.storage;

/**
 * What one user uses of the store.
 *
 * @param storedBytes   bytes of their finished files
 * @param promisedBytes sizes of their unfinished uploads (promised, whether received yet or not)
 * @param quotaBytes    their quota, or {@link Quotas#UNLIMITED}
 */
public record Usage(long storedBytes, long promisedBytes, long quotaBytes) {
    public long usedBytes() {
        return storedBytes + promisedBytes;
    }
}
