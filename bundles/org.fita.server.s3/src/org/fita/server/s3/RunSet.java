package org.fita.server.s3;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/** Block indexes as merged runs [start, end). Not thread-safe: its owner guards it. */
final class RunSet {
    private final TreeMap<Long, Long> runs = new TreeMap<>();

    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = runs.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = runs.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            runs.remove(next.getKey());
            next = runs.ceilingEntry(start);
        }
        runs.put(start, end);
    }

    boolean contains(long index) {
        Map.Entry<Long, Long> e = runs.floorEntry(index);
        return e != null && index < e.getValue();
    }

    /** The end of the run that holds {@code index}, or {@code index} if none does. */
    long runEndFrom(long index) {
        Map.Entry<Long, Long> e = runs.floorEntry(index);
        return e != null && index < e.getValue() ? e.getValue() : index;
    }

    void addTo(BitSet bits) {
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            bits.set(Math.toIntExact(e.getKey()), Math.toIntExact(e.getValue()));
        }
    }

    void clear() {
        runs.clear();
    }
}
