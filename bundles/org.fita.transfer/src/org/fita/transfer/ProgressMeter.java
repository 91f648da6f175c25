package org.fita.transfer;

import java.util.ArrayDeque;

/**
 * Counts bytes and turns them into throttled progress events with a speed over the last few
 * seconds and an ETA. Thread-safe.
 */
final class ProgressMeter {
    private static final long EMIT_EVERY_NANOS = 100_000_000L;
    private static final long SPEED_WINDOW_NANOS = 3_000_000_000L;

    private final Transfer transfer;
    private final long size;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long done;
    private long lastEmit;
    private int connections = 1;
    private int window = 1;

    ProgressMeter(Transfer transfer, long size, long alreadyDone) {
        this.transfer = transfer;
        this.size = size;
        this.done = alreadyDone;
        samples.add(new long[] {System.nanoTime(), alreadyDone});
    }

    synchronized void parallelism(int connections, int window) {
        this.connections = connections;
        this.window = window;
    }

    void add(long bytes) {
        TransferEvent event = null;
        synchronized (this) {
            done += bytes;
            long now = System.nanoTime();
            if (now - lastEmit >= EMIT_EVERY_NANOS || done == size) {
                lastEmit = now;
                event = snapshot(now);
            }
        }
        if (event != null) {
            transfer.emit(event);
        }
    }

    synchronized long bytesDone() {
        return done;
    }

    private double speed(long now) {
        samples.add(new long[] {now, done});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > SPEED_WINDOW_NANOS) {
            samples.pollFirst();
        }
        long[] first = samples.peekFirst();
        double seconds = (now - first[0]) / 1e9;
        return seconds <= 0 ? 0 : (done - first[1]) / seconds;
    }

    private TransferEvent snapshot(long now) {
        double speed = speed(now);
        long eta = speed > 0 ? (long) Math.ceil((size - done) / speed) : -1;
        return new TransferEvent.Progress(transfer.info(), done, size, speed, eta, connections, window);
    }
}
