package org.fita.transfer;

import java.util.Objects;

/**
 * How a transfer runs. By default parallelism adapts: it starts small and grows while throughput
 * improves; a fixed number of connections or requests in flight overrides that.
 *
 * @param connections        connections to use, or 0 to adapt
 * @param window             requests in flight per connection, or 0 to adapt (1 against a classic server)
 * @param blockSize          block size to ask a FiTA server for, or 0 for the default (1 MiB)
 * @param overwrite          replace an existing remote key (upload) or local file (download). An upload
 *                           replaces the remote file in one step where the server announces
 *                           {@code replace}; elsewhere it needs {@code deleteFirstAllowed}
 * @param bandwidthLimit     bytes per second, or 0 for no limit
 * @param deleteFirstAllowed with {@code overwrite}, against a server that cannot replace a file in one
 *                           step, delete the old file before uploading the new one (a failed upload
 *                           then leaves neither). Only a person's explicit choice should set it
 * @param retry              how a transfer whose connections break tries again
 */
public record TransferOptions(int connections, int window, int blockSize, boolean overwrite, long bandwidthLimit,
        boolean deleteFirstAllowed, RetryPolicy retry) {
    public static final TransferOptions DEFAULTS = new TransferOptions(0, 0, 0, false, 0);
    public static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    public static final int MAX_CONNECTIONS = 8;
    public static final int MAX_WINDOW = 32;
    /**
     * The most bytes one transfer has in flight (sent and not yet answered), all its connections
     * together, whatever the window and connections: a fixed window is cut to fit.
     */
    public static final long MAX_IN_FLIGHT_BYTES = 64L << 20;

    public TransferOptions {
        if (connections < 0 || connections > 64) {
            throw new IllegalArgumentException("connections must be within 0..64, not " + connections + ".");
        }
        if (window < 0 || window > 256) {
            throw new IllegalArgumentException("window must be within 0..256, not " + window + ".");
        }
        if (blockSize < 0 || bandwidthLimit < 0) {
            throw new IllegalArgumentException("block size and bandwidth limit must not be negative.");
        }
        Objects.requireNonNull(retry, "retry");
    }

    /** Options that never delete first and retry by {@link RetryPolicy#DEFAULT}. */
    public TransferOptions(int connections, int window, int blockSize, boolean overwrite, long bandwidthLimit) {
        this(connections, window, blockSize, overwrite, bandwidthLimit, false, RetryPolicy.DEFAULT);
    }

    public TransferOptions withOverwrite(boolean value) {
        return new TransferOptions(connections, window, blockSize, value, bandwidthLimit, deleteFirstAllowed, retry);
    }

    public TransferOptions withDeleteFirstAllowed(boolean value) {
        return new TransferOptions(connections, window, blockSize, overwrite, bandwidthLimit, value, retry);
    }

    public TransferOptions withRetry(RetryPolicy value) {
        return new TransferOptions(connections, window, blockSize, overwrite, bandwidthLimit, deleteFirstAllowed, value);
    }

    public boolean adaptive() {
        return connections == 0 || window == 0;
    }
}
