package org.fita.transfer;

/**
 * How many connections a transfer uses and how many requests each keeps in flight, and the bound
 * on the bytes in flight of all of them together. Fixed settings are used as given (within that
 * bound). Otherwise the window opens at once to {@link #START_IN_FLIGHT_BYTES} (a long link's
 * bandwidth-delay product, so that the first round trips are not spent probing), then doubles and
 * connections are added while each step improves throughput by at least a tenth; it settles after
 * two steps that do not. Against a classic server the window stays 1 (stop-and-wait) and only
 * connections grow.
 */
final class Parallelism {
    /**
     * Bytes in flight an adaptive transfer starts with: 50 ms of round trip at 640 MB/s. Requests in
     * flight cost no memory of the client's (uploads send from the file, a download lane has one block
     * buffer); they wait in the socket buffers, and the server reads one request at a time.
     */
    static final long START_IN_FLIGHT_BYTES = 32 << 20;

    private static final double GAIN = 1.10;
    private static final int PATIENCE = 2;

    private final boolean growWindow;
    private final boolean growLanes;
    private final int maxWindow;
    private final int maxLanes;
    /** The most blocks in flight over every lane: {@link TransferOptions#MAX_IN_FLIGHT_BYTES} in blocks, at least 1. */
    private final int budget;
    private volatile int window;
    private volatile int lanes;
    private double best;
    private int stalls;
    private boolean settled;
    /** Blocks in flight over every lane; guarded by {@code this}. */
    private int inFlight;

    Parallelism(TransferOptions options, Capabilities capabilities, int blockSize) {
        boolean pipelining = capabilities.pipelining();
        this.budget = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TransferOptions.MAX_IN_FLIGHT_BYTES / Math.max(1, blockSize)));
        this.growWindow = pipelining && options.window() == 0;
        this.growLanes = options.connections() == 0;
        this.maxWindow = pipelining ? Math.min(budget, options.window() > 0 ? options.window() : TransferOptions.MAX_WINDOW) : 1;
        this.maxLanes = options.connections() > 0 ? options.connections() : TransferOptions.MAX_CONNECTIONS;
        int opening = (int) Math.max(2, START_IN_FLIGHT_BYTES / Math.max(1, blockSize));
        this.window = pipelining ? Math.min(maxWindow, options.window() > 0 ? options.window() : opening) : 1;
        this.lanes = initialLanes(options);
    }

    /** The lanes a transfer starts with: the fixed count asked for, or one that grows. */
    static int initialLanes(TransferOptions options) {
        return options.connections() > 0 ? options.connections() : 1;
    }

    /** Requests one lane may keep in flight now. */
    int window() {
        return window;
    }

    int lanes() {
        return lanes;
    }

    /** The most blocks the transfer has in flight at once, all lanes together. */
    int budget() {
        return budget;
    }

    /**
     * Takes one block's room in the transfer's in-flight budget if there is some; a lane that got
     * it sends the block and gives the room back with {@link #release()} when the reply came.
     */
    synchronized boolean tryAcquire() {
        if (inFlight >= budget) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** Gives back the room of one block whose reply came (or that was never sent). */
    synchronized void release() {
        if (inFlight > 0) {
            inFlight--;
            notifyAll();
        }
    }

    /**
     * For a lane with nothing in flight: waits (at most {@code millis}) until the other lanes' replies
     * free some room, then takes it.
     *
     * @return whether room was taken
     */
    synchronized boolean acquire(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (inFlight >= budget) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        inFlight++;
        return true;
    }

    /** Blocks in flight over every lane now. */
    synchronized int inFlight() {
        return inFlight;
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
