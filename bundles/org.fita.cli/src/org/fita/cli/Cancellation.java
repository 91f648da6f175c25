package org.fita.cli;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.CancelledException;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferResult;

/**
 * Ctrl-C (SIGINT) or SIGTERM while {@code fita} runs: the JVM runs its shutdown hooks, and this one
 * cancels the running transfer, which then stops at a block boundary with its journal entry and
 * part file intact for a later resume. The hook waits until the command has reported the
 * cancellation, so the message is not lost when the JVM halts (with 130 after Ctrl-C).
 */
final class Cancellation {
    private static final long REPORT_TIMEOUT_SECONDS = 10;

    private final Set<Transfer> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;

    void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::cancelAndWait, "fita-cancel"));
    }

    /** Waits for {@code transfer}'s end, cancelling it if the process is asked to stop meanwhile. */
    TransferResult await(Transfer transfer) throws StepException {
        running.add(transfer);
        try {
            // The signal may have come between the transfer's start and the line above.
            if (requested) {
                transfer.cancel();
            }
            return transfer.await();
        } finally {
            running.remove(transfer);
        }
    }

    /** Before starting the next piece of work: none starts once the process is asked to stop. */
    void check() throws CancelledException {
        if (requested) {
            throw new CancelledException("Cancelled.");
        }
    }

    /** The command has reported its outcome; the hook may let the JVM end. */
    void finished() {
        finished.countDown();
    }

    private void cancelAndWait() {
        requested = true;
        if (running.isEmpty()) {
            // A password prompt or a single request: nothing to stop cleanly, so the JVM may end at once.
            return;
        }
        running.forEach(Transfer::cancel);
        try {
            finished.await(REPORT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
