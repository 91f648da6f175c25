package org.fita.transfer;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.fita.transfer.StepException.CancelledException;

/**
 * The read-ahead buffers of one upload, allocated only when the reader gets ahead of the network,
 * and no larger than the file. Every upload of the process draws them from one budget (a quarter
 * of the heap, at most 256 MiB), so that many uploads at once cannot exhaust the heap; an upload
 * holding none waits for its first one, one holding some reuses those.
 */
final class UploadBuffers implements AutoCloseable {
    static final int PROCESS_BUDGET = (int) Math.max(16L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));
    private static final Semaphore BUDGET = new Semaphore(PROCESS_BUDGET);
    private static final long POLL_MILLIS = 100;

    private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
    private final int bufferSize;
    private final int permitsEach;
    private final int max;
    private int allocated;

    /** Buffers of {@code bufferSize} bytes, at most {@code max} of them. */
    UploadBuffers(int bufferSize, int max) {
        this.bufferSize = bufferSize;
        this.permitsEach = Math.min(bufferSize, PROCESS_BUDGET);
        this.max = max;
    }

    /** A free buffer, a new one while the budget allows, or the next one given back; only the reader calls this. */
    byte[] take(Transfer transfer, AtomicReference<StepException> failure) throws StepException {
        try {
            while (true) {
                byte[] b = free.poll();
                if (b != null) {
                    return b;
                }
                if (allocated < max && BUDGET.tryAcquire(permitsEach,
                        allocated == 0 ? POLL_MILLIS : 0, TimeUnit.MILLISECONDS)) {
                    allocated++;
                    return new byte[bufferSize];
                }
                if (allocated > 0) {
                    b = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (b != null) {
                        return b;
                    }
                }
                StepException e = failure.get();
                if (e != null) {
                    throw e;
                }
                transfer.checkpoint();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted.");
        }
    }

    /** Hands a buffer back once its bytes are sent (or were not needed); any thread. */
    void give(byte[] buffer) {
        free.add(buffer);
    }

    /** Returns this upload's share of the budget; call once, after every lane has ended. */
    @Override
    public void close() {
        BUDGET.release(allocated * permitsEach);
        allocated = 0;
        free.clear();
    }
}
