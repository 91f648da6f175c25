package org.fita.transfer;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The worker threads of one transfer, each driving one connection. */
final class Lanes {
    /** How long a failed transfer waits for a lane that is still sending or waiting for a reply. */
    private static final long STOP_MILLIS = 5_000;

    private Lanes() {
    }

    /**
     * Waits for lanes that were told to stop (through the shared failure) so that none reports
     * progress after the transfer's final event; a lane still blocked after the grace period is
     * interrupted and left behind.
     */
    static void stop(List<Future<?>> lanes) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
        for (Future<?> lane : List.copyOf(lanes)) {
            try {
                lane.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                lane.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // Lanes report through the shared failure.
            }
        }
    }
}
