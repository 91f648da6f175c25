package org.fita.server.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.fita.server.storage.StorageException;

/**
 * Each user's stored bytes for quota checks, as the store last listed them, kept a short while. Listing
 * every file of a user for every small file stored would make storing N files cost N listings of up to
 * N objects. A snapshot is listed again after {@link #FRESH_NANOS}; this server's own inline stores add
 * to it at once, and any other change here forgets it. So this server never counts its own files late,
 * and what other servers stored shows within {@link #FRESH_NANOS} (their writes could already pass a
 * quota together in the moment between two checks; the window grows by that much). A file stored while
 * its user's listing is under way may be counted twice until the next listing: never too little.
 */
final class StoredBytes {
    static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Users with a snapshot at once; past that they are all forgotten (listed again when asked). */
    private static final int MAX_USERS = 4096;

    /** Lists the user's stored bytes (files and DATA records) from the store. */
    interface Lister {
        long storedBytes(String user) throws StorageException;
    }

    private record Snapshot(long bytes, long listedNanos) {
    }

    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Function<String, ReentrantLock> lockOf;
    private final Lister lister;
    private final AtomicLong listings = new AtomicLong();

    /** @param lockOf the user's quota lock: listing, adding and forgetting take it */
    StoredBytes(Function<String, ReentrantLock> lockOf, Lister lister) {
        this.lockOf = lockOf;
        this.lister = lister;
    }

    long of(String user) throws StorageException {
        ReentrantLock lock = lockOf.apply(user);
        lock.lock();
        try {
            long now = System.nanoTime();
            Snapshot s = snapshots.get(user);
            if (s != null && now - s.listedNanos < FRESH_NANOS) {
                return s.bytes;
            }
            long bytes = lister.storedBytes(user);
            listings.incrementAndGet();
            if (snapshots.size() >= MAX_USERS) {
                snapshots.clear();
            }
            snapshots.put(user, new Snapshot(bytes, now));
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** This server stored {@code delta} bytes more (or fewer) for the user. */
    void add(String user, long delta) {
        ReentrantLock lock = lockOf.apply(user);
        lock.lock();
        try {
            snapshots.computeIfPresent(user, (u, s) -> new Snapshot(s.bytes + delta, s.listedNanos));
        } finally {
            lock.unlock();
        }
    }

    /** The user's files changed in a way not counted here: the next check lists them again. */
    void forget(String user) {
        ReentrantLock lock = lockOf.apply(user);
        lock.lock();
        try {
            snapshots.remove(user);
        } finally {
            lock.unlock();
        }
    }

    /** Listings made so far, for tests. */
    long listings() {
        return listings.get();
    }
}
