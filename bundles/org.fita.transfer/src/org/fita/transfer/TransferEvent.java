package org.fita.transfer;

import java.time.Duration;

/** What a transfer reports; a terminal progress bar and the Transfers view consume the same events. */
public sealed interface TransferEvent {

    TransferInfo transfer();

    /**
     * The plan is known.
     *
     * @param size        bytes to move in all
     * @param alreadyDone bytes the other side already held (resumed)
     */
    record Started(TransferInfo transfer, long size, long alreadyDone) implements TransferEvent {
    }

    /**
     * Bytes moved so far; sent at most about ten times a second.
     *
     * @param etaSeconds seconds left at the current speed, or -1 while unknown
     * @param connections connections in use
     * @param window      requests in flight per connection
     */
    record Progress(TransferInfo transfer, long bytesDone, long size, double bytesPerSecond, long etaSeconds,
            int connections, int window) implements TransferEvent {
    }

    /**
     * The connections broke (or the token was refused) with a failure that may pass: the transfer
     * tries again after {@code delay}, planning again and continuing from what the other side holds.
     *
     * @param attempt     this retry's number, from 1
     * @param maxAttempts the most retries there will be
     */
    record Reconnecting(TransferInfo transfer, int attempt, int maxAttempts, Duration delay, StepException cause)
            implements TransferEvent {
    }

    record Paused(TransferInfo transfer) implements TransferEvent {
    }

    record Resumed(TransferInfo transfer) implements TransferEvent {
    }

    /** Done, and the MD5 of both sides matched. */
    record Verified(TransferInfo transfer, String md5, long size, Duration elapsed) implements TransferEvent {
    }

    record Failed(TransferInfo transfer, StepException error) implements TransferEvent {
    }

    record Cancelled(TransferInfo transfer) implements TransferEvent {
    }
}
