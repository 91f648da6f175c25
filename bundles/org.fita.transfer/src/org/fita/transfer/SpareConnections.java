package org.fita.transfer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connections for a transfer's lanes, opened while the control connection still asks for the plan:
 * through a slow link each lane then starts one round trip sooner. Lanes carry the session's token,
 * so nothing but the connection (and its TLS handshake) is done ahead. A connection that fails to
 * open here is dropped without a word: the lane then opens its own, and that failure is the one
 * reported.
 */
final class SpareConnections {
    /** Older spares are closed unused: a server may drop a connection that has sent nothing for long. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private record Spare(FutureTask<StepConnection> connection, long openedAtNanos) {
    }

    private final Deque<Spare> spares = new ArrayDeque<>();
    private final Duration waitLimit;

    /** @param connectTimeout the session's connect timeout; the TLS handshake counts once more */
    SpareConnections(Duration connectTimeout) {
        this.waitLimit = connectTimeout.multipliedBy(2).plusSeconds(1);
    }

    /** Starts opening connections, in the background, until {@code count} spares are open or opening. */
    synchronized void openAhead(int count, Callable<StepConnection> opener) {
        dropStale();
        while (spares.size() < count) {
            FutureTask<StepConnection> task = new FutureTask<>(opener);
            // A platform thread: in a short-lived command, virtual threads would first load their scheduler.
            Thread.ofPlatform().daemon().name("fita-connect-ahead").start(task);
            spares.add(new Spare(task, System.nanoTime()));
        }
    }

    /** How many spares are open or opening. */
    synchronized int size() {
        return spares.size();
    }

    /**
     * A spare connection that opened and is fresh, waiting for one still opening; null when there is
     * none or the next one failed (the caller then opens a connection itself).
     */
    StepConnection take() throws InterruptedException {
        while (true) {
            Spare spare;
            synchronized (this) {
                spare = spares.poll();
            }
            if (spare == null) {
                return null;
            }
            StepConnection connection;
            try {
                connection = spare.connection().get(waitLimit.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                spare.connection().cancel(true);
                return null;
            }
            if (!connection.isClosed() && !isStale(spare, System.nanoTime())) {
                return connection;
            }
            connection.close();
        }
    }

    /** Caller holds this. */
    private void dropStale() {
        long now = System.nanoTime();
        spares.removeIf(spare -> {
            if (!spare.connection().isDone() || !isStale(spare, now)) {
                return false;
            }
            try {
                spare.connection().get().close();
            } catch (ExecutionException | InterruptedException | java.util.concurrent.CancellationException e) {
                // Failed or cancelled: nothing to close.
            }
            return true;
        });
    }

    private static boolean isStale(Spare spare, long now) {
        return now - spare.openedAtNanos() > MAX_AGE.toNanos();
    }
}
