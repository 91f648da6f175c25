package org.fita.server.storage;

import java.io.IOException;

/** Tells a full disk apart from other I/O failures. */
final class DiskErrors {
    private DiskErrors() {
    }

    static IOException classify(IOException e, String what) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left") || msg.contains("Disk quota exceeded") || msg.contains("not enough space")) {
            return new InsufficientStorageException("The server's disk is full while " + what
                    + "; nothing was lost, try again when space has been freed.", e);
        }
        return e;
    }
}
