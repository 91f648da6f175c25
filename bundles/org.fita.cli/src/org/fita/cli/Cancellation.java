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
 * cancellation, so the message is not lost when the JVM halts, with 128 + the signal's number
 * (130 after Ctrl-C, 143 after SIGTERM). The report says the same code: the signal is noted before
 * the JVM's own handler starts the shutdown.
 */
final class Cancellation {
    private static final long REPORT_TIMEOUT_SECONDS = 10;

    private final Set<Transfer> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;
    /** The number of the signal that stops the process, or 0 (Ctrl-C is assumed then). */
    private volatile int signal;

    void installShutdownHook() {
        noteSignal("INT");
        noteSignal("TERM");
        Runtime.getRuntime().addShutdownHook(new Thread(this::cancelAndWait, "fita-cancel"));
    }

    /** The exit code of a cancelled command: that which the JVM exits with after the signal. */
    int exitCode() {
        int number = signal;
        return number > 0 ? 128 + number : ExitCodes.CANCELLED;
    }

    /** Notes {@code name} when it arrives, then hands it to the JVM's handler, which starts the shutdown. */
    private void noteSignal(String name) {
        try {
            sun.misc.Signal sig = new sun.misc.Signal(name);
            sun.misc.SignalHandler[] jvmHandler = new sun.misc.SignalHandler[1];
            jvmHandler[0] = sun.misc.Signal.handle(sig, s -> {
                this.signal = s.getNumber();
                jvmHandler[0].handle(s);
            });
            if (jvmHandler[0] == sun.misc.SignalHandler.SIG_DFL || jvmHandler[0] == sun.misc.SignalHandler.SIG_IGN) {
                // Not the JVM's handler (the signal is ignored, as in a background job): leave it as it was.
                sun.misc.Signal.handle(sig, jvmHandler[0]);
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // The JVM keeps the signal (-Xrs) or has no such API: codes then follow ExitCodes.CANCELLED.
        }
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

    /** Whether the process was asked to stop: batches of small files stop taking files then. */
    boolean requested() {
        return requested;
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
