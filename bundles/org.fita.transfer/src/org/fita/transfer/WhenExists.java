package org.fita.transfer;

/** What a transfer does when its destination (the remote key, or the local file) already exists. */
public enum WhenExists {
    /** Fail with a message that says so. */
    FAIL,
    /**
     * Replace the destination. An upload replaces the remote file in one step where the server
     * announces {@code replace} (the old file stays until the new one verifies); against other
     * servers it fails with {@link StepException.DeleteFirstRequiredException}, so that a person can
     * choose {@link #OVERWRITE_DELETE_FIRST}.
     */
    OVERWRITE,
    /**
     * Replace the destination, deleting a remote file first where the server cannot replace it in
     * one step: if the upload then fails, neither version is left. Only on a person's explicit choice.
     */
    OVERWRITE_DELETE_FIRST,
    /**
     * Keep a destination with the same content (size and MD5 compared, nothing moved) and continue
     * an interrupted transfer from what the other side holds; fail if the destination differs.
     */
    KEEP_IDENTICAL
}
