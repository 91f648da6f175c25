package org.fita.server.storage;

/** A block arrived for an upload that a later FILE SAVE reset or a DELETE removed meanwhile. */
public final class UploadRestartedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public UploadRestartedException(String key) {
        super("The upload of \"" + key + "\" was restarted or deleted while this block was arriving; "
                + "ask for a new plan with FILE SAVE.");
    }
}
