package org.fita.server.storage;

import java.io.IOException;

/** The storage could not carry out an operation; the message is fit to show the client. */
public class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
