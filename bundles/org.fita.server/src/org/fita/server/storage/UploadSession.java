package org.fita.server.storage;

import java.io.IOException;
import java.io.InputStream;

/** An unfinished upload: its plan and the blocks held so far. */
public interface UploadSession {

    String key();

    long size();

    int blockSize();

    long totalBlocks();

    /**
     * The blocks held, as {@code java.util.BitSet.toByteArray()} would give them (bit {@code i % 8}
     * of byte {@code i / 8}); a fresh array.
     */
    byte[] receivedBitmap();

    long receivedCount();

    /**
     * Stores block {@code index}, reading exactly {@code length} bytes from {@code data} (the
     * caller has checked the length against the plan). When the block completes the upload, the
     * file is verified, made durable and published before this returns.
     *
     * @param expectedCrc32c the CRC-32C the client sent, or {@code null}
     * @throws UploadRestartedException if the upload was reset or deleted meanwhile
     * @throws InsufficientStorageException if the disk is full (the block is not recorded)
     */
    BlockResult writeBlock(long index, InputStream data, int length, Integer expectedCrc32c) throws IOException;
}
