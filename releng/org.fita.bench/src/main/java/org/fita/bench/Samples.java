package org.fita.bench;

import java.util.ArrayList;
import java.util.List;

/** Durations of repeated runs of one measurement, in nanoseconds. */
final class Samples {
    private final List<Long> nanos = new ArrayList<>();

    void add(long value) {
        nanos.add(value);
    }

    int count() {
        return nanos.size();
    }

    long best() {
        return nanos.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    long worst() {
        return nanos.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** The middle run; of an even count, the slower of the two middle ones. */
    long median() {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
