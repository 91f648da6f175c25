package org.fita.server.storage;

/** The disk (or a quota) has no room for what was asked. Nothing already stored is lost. */
public final class InsufficientStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
