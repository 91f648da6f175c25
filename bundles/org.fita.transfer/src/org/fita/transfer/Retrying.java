package org.fita.transfer;

import java.time.Duration;
import org.fita.transfer.StepException.CancelledException;

/**
 * The failure handling shared by uploads and downloads: runs attempts until one verifies, a
 * failure that retrying cannot fix happens, or the {@link RetryPolicy} is spent, and reports the
 * end to the {@link Transfer} exactly once.
 */
final class Retrying {
    /** One try of a transfer; {@code attempt} is 0 for the first, then the retry's number. */
    interface Attempt {
        TransferResult run(int attempt) throws StepException;
    }

    private final StepSession session;
    private final Transfer transfer;
    private final RetryPolicy policy;

    Retrying(StepSession session, Transfer transfer, TransferOptions options) {
        this.session = session;
        this.transfer = transfer;
        this.policy = options.retry();
    }

    void run(Attempt attempt) {
        long deadline = System.nanoTime() + policy.within().toNanos();
        int retries = 0;
        while (true) {
            StepException error;
            try {
                transfer.complete(attempt.run(retries));
                return;
            } catch (StepException e) {
                error = e;
            } catch (RuntimeException | Error e) {
                // Whatever happened, the transfer must end with a report, never hang.
                transfer.fail(new StepException("The transfer of \"" + transfer.info().key() + "\" failed unexpectedly: "
                        + e, -1, e));
                return;
            }
            if (transfer.isCancelled() || session.isClosed() || !error.isRetryable() || retries >= policy.attempts()
                    || System.nanoTime() >= deadline) {
                transfer.fail(error);
                return;
            }
            retries++;
            Duration delay = policy.delay(retries);
            transfer.emit(new TransferEvent.Reconnecting(transfer.info(), retries, policy.attempts(), delay, error));
            try {
                transfer.sleep(delay.toMillis());
            } catch (CancelledException e) {
                transfer.fail(e);
                return;
            }
        }
    }
}
