package org.fita.server.storage;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of block indices kept as runs of consecutive indices, so that its memory grows with the
 * number of runs received, never with the size of the plan: an upload of 13 million planned blocks
 * that holds only its last block costs one entry, and one received in order costs one entry. Not
 * thread-safe; its owner locks.
 */
final class BlockRuns {
    /** Run start to run end (exclusive). Runs never touch or overlap. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long count;

    boolean contains(long index) {
        Map.Entry<Long, Long> e = runs.floorEntry(index);
        return e != null && index < e.getValue();
    }

    /** Adds {@code index}; false if it was already there. */
    boolean add(long index) {
        Map.Entry<Long, Long> before = runs.floorEntry(index);
        if (before != null && index < before.getValue()) {
            return false;
        }
        long start = index;
        long end = index + 1;
        if (before != null && before.getValue() == index) {
            start = before.getKey();
        }
        Long after = runs.get(end);
        if (after != null) {
            runs.remove(end);
            end = after;
        }
        runs.put(start, end);
        count++;
        return true;
    }

    long count() {
        return count;
    }

    /** Number of runs, which is what this set's memory grows with. */
    int runCount() {
        return runs.size();
    }

    /**
     * The set as {@code java.util.BitSet.toByteArray()} would give it: bit {@code i % 8} of byte
     * {@code i / 8}, trailing zero bytes left out.
     */
    byte[] toBitmap() {
        if (runs.isEmpty()) {
            return new byte[0];
        }
        long last = runs.lastEntry().getValue() - 1;
        byte[] bytes = new byte[Math.toIntExact(last / 8 + 1)];
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            for (long i = e.getKey(); i < e.getValue(); i++) {
                bytes[(int) (i >>> 3)] |= (byte) (1 << (i & 7));
            }
        }
        return bytes;
    }
}
