package org.fita.transfer;

/**
 * How many connections a transfer uses and how many requests each keeps in flight. Fixed settings
 * are used as given; otherwise it climbs: starting small, it doubles the window, then adds
 * connections, while each step improves throughput by at least a tenth, and settles after two
 * steps that do not. Against a classic server the window stays 1 (stop-and-wait) and only
 * connections grow.
 */
final class Parallelism {
    private static final double GAIN = 1.10;
    private static final int PATIENCE = 2;

    private final boolean growWindow;
    private final boolean growLanes;
    private final int maxWindow;
    private final int maxLanes;
    private volatile int window;
    private volatile int lanes;
    private double best;
    private int stalls;
    private boolean settled;

    Parallelism(TransferOptions options, Capabilities capabilities) {
        boolean pipelining = capabilities.pipelining();
        this.growWindow = pipelining && options.window() == 0;
        this.growLanes = options.connections() == 0;
        this.maxWindow = pipelining ? (options.window() > 0 ? options.window() : TransferOptions.MAX_WINDOW) : 1;
        this.maxLanes = options.connections() > 0 ? options.connections() : TransferOptions.MAX_CONNECTIONS;
        this.window = pipelining ? (options.window() > 0 ? options.window() : 2) : 1;
        this.lanes = options.connections() > 0 ? options.connections() : 1;
    }

    int window() {
        return window;
    }

    int lanes() {
        return lanes;
    }

    private long lastBytes = -1;
    private long lastNanos;

    /**
     * Takes the bytes done so far and decides the next step from the throughput since the last
     * call, so that each step is judged by its own interval, not by an average of older settings.
     *
     * @return true if one more connection should be opened
     */
    synchronized boolean sample(long bytesDone, long nanoTime) {
        if (lastBytes < 0) {
            lastBytes = bytesDone;
            lastNanos = nanoTime;
            return false;
        }
        double seconds = (nanoTime - lastNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : (bytesDone - lastBytes) / seconds;
        lastBytes = bytesDone;
        lastNanos = nanoTime;
        return observe(rate);
    }

    /**
     * Takes the throughput of the last interval and decides the next step.
     *
     * @return true if one more connection should be opened
     */
    synchronized boolean observe(double bytesPerSecond) {
        if (settled || !growWindow && !growLanes) {
            return false;
        }
        if (bytesPerSecond > best * GAIN) {
            best = bytesPerSecond;
            stalls = 0;
            if (growWindow && window < maxWindow) {
                window = Math.min(maxWindow, window * 2);
                return false;
            }
            if (growLanes && lanes < maxLanes) {
                lanes++;
                return true;
            }
            settled = true;
            return false;
        }
        if (++stalls >= PATIENCE) {
            settled = true;
        }
        return false;
    }
}
