package org.fita.server.storage;

/**
 * What happened to one uploaded block.
 *
 * @param outcome   see {@link Outcome}
 * @param completed the finished file when this block completed the upload, else {@code null}
 */
public record BlockResult(Outcome outcome, StoredFile completed) {

    public enum Outcome {
        /** The block was written and recorded. */
        STORED,
        /** The block was already held; its bytes were read and discarded. */
        ALREADY_HELD,
        /** The bytes did not match the CRC-32C the client sent; nothing was recorded. */
        CHECKSUM_MISMATCH
    }
}
