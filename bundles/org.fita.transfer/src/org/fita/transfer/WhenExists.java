package org.fita.transfer;

/** What a transfer does when its destination (the remote key, or the local file) already exists. */
public enum WhenExists {
    /** Fail with a message that says so. */
    FAIL,
    /** Replace the destination. */
    OVERWRITE,
    /**
     * Keep a destination with the same content (size and MD5 compared, nothing moved) and continue
     * an interrupted transfer from what the other side holds; fail if the destination differs.
     */
    KEEP_IDENTICAL
}
