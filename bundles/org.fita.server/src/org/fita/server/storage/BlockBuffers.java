package org.fita.server.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Whole-block buffers within a fixed byte budget. The uploads of one store receive a block into one
 * of them, write it, and the hasher feeds the MD5 from the same memory instead of reading the block
 * back from disk; the downloads of the server read a large block into one ({@link #takeAligned}),
 * once, for its CRC and its bytes. When the budget is spent, {@link #take} returns null and the
 * block streams through a small chunk as before, so the budget bounds memory, never progress.
 *
 * <p>The buffers are direct and aligned to {@link #ALIGNMENT}, so that a channel opened for direct
 * I/O writes from them as they are. (Given a heap buffer, the JDK 17 stages it through a cached
 * aligned buffer that later fails with a NullPointerException when the cache frees it.)
 */
public final class BlockBuffers {
    public static final int ALIGNMENT = 4096;

    private final long budget;
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    /** Bytes of every array this pool made that is still alive, lent out or free. */
    private long allocated;
    /** Bytes of the arrays lent out and not given back yet. */
    private long lent;
    private long lastTakenNanos = System.nanoTime();

    public BlockBuffers(long budget) {
        this.budget = budget;
    }

    /** A budget that leaves most of the heap to everything else: a quarter of it, at most 64 MiB. */
    static BlockBuffers forThisHeap() {
        return new BlockBuffers(Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 4));
    }

    /**
     * A cleared buffer of exactly {@code length} bytes' capacity, or null if the budget does not
     * allow one now.
     */
    public synchronized ByteBuffer take(int length) {
        return takeCapacity(length);
    }

    /**
     * A cleared buffer of at least {@code length} bytes, its capacity rounded up to the alignment so
     * that a direct read may fill whole pages, or null if the budget does not allow one now.
     */
    public synchronized ByteBuffer takeAligned(int length) {
        return takeCapacity(Math.ceilDiv(length, ALIGNMENT) * ALIGNMENT);
    }

    private ByteBuffer takeCapacity(int length) {
        lastTakenNanos = System.nanoTime();
        ArrayDeque<ByteBuffer> same = free.get(length);
        if (same != null && !same.isEmpty()) {
            lent += length;
            return same.pop().clear();
        }
        // Buffers of other block sizes that nobody uses give their room to this one.
        for (Iterator<ArrayDeque<ByteBuffer>> it = free.values().iterator(); it.hasNext()
                && allocated + length > budget;) {
            ArrayDeque<ByteBuffer> other = it.next();
            while (!other.isEmpty() && allocated + length > budget) {
                allocated -= other.pop().capacity();
            }
        }
        if (allocated + length > budget) {
            return null;
        }
        allocated += length;
        lent += length;
        // alignedSlice also rounds the end down to the alignment: room for a length that is not a multiple of it.
        int aligned = Math.ceilDiv(length, ALIGNMENT) * ALIGNMENT;
        return ByteBuffer.allocateDirect(aligned + ALIGNMENT - 1).alignedSlice(ALIGNMENT).limit(length).slice();
    }

    /** Returns a buffer from {@link #take}; it must not be used afterwards. */
    public synchronized void give(ByteBuffer buffer) {
        lent -= buffer.capacity();
        free.computeIfAbsent(buffer.capacity(), n -> new ArrayDeque<>()).push(buffer);
    }

    /** Lets the collector have the free buffers once no block has been received for a while. */
    synchronized void dropFreeIfIdle(long idleNanos) {
        if (System.nanoTime() - lastTakenNanos < idleNanos) {
            return;
        }
        for (ArrayDeque<ByteBuffer> buffers : free.values()) {
            while (!buffers.isEmpty()) {
                allocated -= buffers.pop().capacity();
            }
        }
        free.clear();
    }

    /** Bytes lent out or kept free. */
    public synchronized long allocated() {
        return allocated;
    }

    /** Bytes lent out and not given back. */
    synchronized long lent() {
        return lent;
    }
}
