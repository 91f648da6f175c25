package org.fita.transfer;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.fita.transfer.StepException.CancelledException;

/**
 * A running transfer: pause, resume and cancel take effect at the next block; {@link #await()}
 * gives the verified result or the typed failure.
 */
public final class Transfer {

    public enum State { RUNNING, PAUSED, VERIFIED, FAILED, CANCELLED }

    private final TransferInfo info;
    private final TransferListener listener;
    private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
    private final Object gate = new Object();
    private volatile State state = State.RUNNING;
    private volatile boolean cancelled;
    /** Connections a cancel closes, so that a worker waiting for a reply stops at once. */
    private final Set<AutoCloseable> closedOnCancel = ConcurrentHashMap.newKeySet();

    Transfer(TransferInfo info, TransferListener listener) {
        this.info = info;
        this.listener = listener;
    }

    public TransferInfo info() {
        return info;
    }

    public State state() {
        return state;
    }

    public void pause() {
        synchronized (gate) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.PAUSED;
        }
        emit(new TransferEvent.Paused(info));
    }

    public void resume() {
        synchronized (gate) {
            if (state != State.PAUSED) {
                return;
            }
            state = State.RUNNING;
            gate.notifyAll();
        }
        emit(new TransferEvent.Resumed(info));
    }

    /** Stops at the next block; what the other side already holds stays there for a later resume. */
    public void cancel() {
        synchronized (gate) {
            cancelled = true;
            gate.notifyAll();
        }
        closedOnCancel.forEach(Transfer::closeQuietly);
    }

    /** Closes {@code connection} when the transfer is cancelled (at once if it is already). */
    void closeOnCancel(AutoCloseable connection) {
        closedOnCancel.add(connection);
        if (cancelled) {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing is all that is wanted; the worker reports the cancellation.
        }
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** Waits for the end: the verified result, or the failure. */
    public TransferResult await() throws StepException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new CancelledException("Interrupted while waiting for the transfer of \"" + info.key() + "\".");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StepException s) {
                throw s;
            }
            throw new StepException("The transfer of \"" + info.key() + "\" failed: " + e.getCause(), -1, e.getCause());
        }
    }

    /** Called by the workers before each block: waits while paused, throws once cancelled. */
    void checkpoint() throws CancelledException {
        synchronized (gate) {
            while (state == State.PAUSED && !cancelled) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
            if (cancelled) {
                throw new CancelledException("The transfer of \"" + info.key() + "\" was cancelled.");
            }
        }
    }

    /** Waits {@code millis} (a retry's delay); a cancel ends the wait with {@link CancelledException}. */
    void sleep(long millis) throws CancelledException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (gate) {
            while (!cancelled) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    gate.wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
        }
        throw new CancelledException("The transfer of \"" + info.key() + "\" was cancelled.");
    }

    boolean isCancelled() {
        return cancelled;
    }

    void emit(TransferEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            // A listener's failure must not break the transfer.
        }
    }

    void complete(TransferResult value) {
        state = State.VERIFIED;
        emit(new TransferEvent.Verified(info, value.md5(), value.size(), value.elapsed()));
        result.complete(value);
    }

    void fail(StepException error) {
        // After a cancel, a worker whose connection was closed under it reports a network error.
        if (cancelled && !(error instanceof CancelledException)) {
            error = new CancelledException("The transfer of \"" + info.key() + "\" was cancelled.");
        }
        if (error instanceof CancelledException) {
            state = State.CANCELLED;
            emit(new TransferEvent.Cancelled(info));
        } else {
            state = State.FAILED;
            emit(new TransferEvent.Failed(info, error));
        }
        result.completeExceptionally(error);
    }
}
