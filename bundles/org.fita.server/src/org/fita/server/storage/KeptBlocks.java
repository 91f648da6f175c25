package org.fita.server.storage;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Written blocks whose bytes wait in memory for the hasher, by index, so that it need not read them
 * back from the file. Bounded: only blocks within {@code lagBlocks} of the hashed prefix are kept,
 * and a writer that gets further ahead waits (briefly) for the hasher. A writer never waits for a
 * block that has not arrived, which might come after its own on the same connection.
 *
 * <p>{@link #lock} guards the map and the closed flag; no I/O happens under it. While holding it a
 * writer asks the {@link ReceivedBlocks} whether the hasher has work: lock order is this lock, then
 * the record's lock, never the reverse.
 */
final class KeptBlocks {
    /** The longest a writer waits for the hasher before leaving its block to be read back instead. */
    private static final long HASH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the hasher moves on or the upload stops. */
    private final Condition advanced = lock.newCondition();
    private final Map<Long, ByteBuffer> kept = new HashMap<>();
    private final BlockBuffers buffers;
    private final long lagBlocks;
    private final long totalBlocks;
    private final ReceivedBlocks received;
    /** How many blocks the hasher has fed into the MD5: the first one it needs next. */
    private final LongSupplier hashed;
    private boolean closed;

    KeptBlocks(BlockBuffers buffers, long lagBlocks, long totalBlocks, ReceivedBlocks received, LongSupplier hashed) {
        this.buffers = buffers;
        this.lagBlocks = lagBlocks;
        this.totalBlocks = totalBlocks;
        this.received = received;
        this.hashed = hashed;
    }

    /**
     * Leaves a written block's bytes to the hasher, first waiting (briefly) while the hasher is too
     * far behind but has held blocks to work on; false if the block is left to be read back from the
     * file instead (the caller keeps the buffer then).
     */
    boolean keep(long index, ByteBuffer bytes) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + HASH_WAIT_NANOS;
            long next = hashed.getAsLong();
            while (!closed && index >= next + lagBlocks && next < totalBlocks && received.contains(next)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    advanced.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                next = hashed.getAsLong();
            }
            if (closed || index < next || index >= next + lagBlocks) {
                return false;
            }
            ByteBuffer twin = kept.put(index, bytes);
            if (twin != null) {
                // The same block arrived twice (a retry crossed the first copy): keep one.
                buffers.give(twin);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The bytes of {@code index} if kept (the caller gives the buffer back), else null. */
    ByteBuffer take(long index) {
        lock.lock();
        try {
            return kept.remove(index);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes writers waiting for the hasher to come closer. */
    void hasherMoved() {
        lock.lock();
        try {
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the memory of every kept block and keeps no more: the upload completed or stopped. */
    void close() {
        lock.lock();
        try {
            closed = true;
            kept.values().forEach(buffers::give);
            kept.clear();
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
