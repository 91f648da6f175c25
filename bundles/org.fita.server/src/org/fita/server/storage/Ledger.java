package org.fita.server.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the unfinished uploads of a store have promised: one small fixed record per upload (kept
 * whether or not the upload is in memory), and the total of bytes promised and not written yet, which
 * the free-space check of a new plan subtracts from the disk's free space.
 */
final class Ledger {
    private final AtomicLong outstanding = new AtomicLong();

    /** Bytes promised to unfinished uploads and not written yet. */
    long outstanding() {
        return outstanding.get();
    }

    Entry open(String key, long size, int blockSize, long receivedBytes, long touchedMillis) {
        return new Entry(key, size, blockSize, receivedBytes, touchedMillis);
    }

    /** One unfinished upload's promise. */
    final class Entry {
        final String key;
        final long size;
        final int blockSize;
        private long receivedBytes;
        private volatile long touchedMillis;
        private boolean closed;

        private Entry(String key, long size, int blockSize, long receivedBytes, long touchedMillis) {
            this.key = key;
            this.size = size;
            this.blockSize = blockSize;
            this.receivedBytes = Math.min(size, receivedBytes);
            this.touchedMillis = touchedMillis;
            outstanding.addAndGet(size - this.receivedBytes);
        }

        synchronized void received(long bytes) {
            touchedMillis = System.currentTimeMillis();
            if (closed) {
                return;
            }
            long counted = Math.min(bytes, size - receivedBytes);
            receivedBytes += counted;
            outstanding.addAndGet(-counted);
        }

        /** Bytes promised and not received yet (0 once closed). */
        synchronized long remaining() {
            return closed ? 0 : size - receivedBytes;
        }

        void touch() {
            touchedMillis = System.currentTimeMillis();
        }

        long touchedMillis() {
            return touchedMillis;
        }

        /** The upload finished or was removed: its promise no longer counts. */
        synchronized void close() {
            if (!closed) {
                closed = true;
                outstanding.addAndGet(-(size - receivedBytes));
            }
        }
    }
}
