package org.fita.server.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Buffers that downloads read a whole block into, shared by every connection of the JVM within a
 * fixed byte budget; a buffer is lent for one reply only. When the budget is spent, {@link #take}
 * returns null and the block goes through a small chunk as before: the budget bounds memory, never
 * progress. Direct and 4 KiB-aligned, so that the local store reads into them with direct I/O.
 */
final class WholeBlocks {
    static final int ALIGNMENT = 4096;
    /** Smaller blocks gain nothing from being read whole. */
    static final int MIN_BLOCK = 256 << 10;
    /** A sixteenth of the heap limit, at most 32 MiB. */
    static final WholeBlocks SHARED = new WholeBlocks(Math.min(32L << 20, Runtime.getRuntime().maxMemory() / 16));

    private final long budget;
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long allocated;

    WholeBlocks(long budget) {
        this.budget = budget;
    }

    /** A buffer of at least {@code length} bytes (aligned capacity), or null if the budget does not allow one now. */
    synchronized ByteBuffer take(int length) {
        int capacity = Math.ceilDiv(length, ALIGNMENT) * ALIGNMENT;
        ArrayDeque<ByteBuffer> same = free.get(capacity);
        if (same != null && !same.isEmpty()) {
            return same.pop().clear();
        }
        // Free buffers of other sizes give their room to this one.
        for (Iterator<ArrayDeque<ByteBuffer>> it = free.values().iterator(); it.hasNext()
                && allocated + capacity > budget;) {
            ArrayDeque<ByteBuffer> other = it.next();
            while (!other.isEmpty() && allocated + capacity > budget) {
                allocated -= other.pop().capacity();
            }
        }
        if (allocated + capacity > budget) {
            return null;
        }
        allocated += capacity;
        return ByteBuffer.allocateDirect(capacity + ALIGNMENT - 1).alignedSlice(ALIGNMENT).limit(capacity).slice();
    }

    /** Returns a buffer from {@link #take}; it must not be used afterwards. */
    synchronized void give(ByteBuffer buffer) {
        free.computeIfAbsent(buffer.capacity(), n -> new ArrayDeque<>()).push(buffer);
    }

    synchronized long allocated() {
        return allocated;
    }
}
