package org.fita.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Opens the store a server keeps its files in when it is not the local disk under its root (an
 * object store shared by several servers, for example). The server calls {@link #open} once at
 * start, runs the store's {@link BlobStore#housekeeping()} every 30 seconds and closes it at stop.
 */
@FunctionalInterface
public interface StoreFactory {

    /**
     * @param context the server's root (its own: logs, lock, local copies), where to warn, the
     *                upload lifetime and the quotas
     */
    BlobStore open(Context context) throws IOException;

    /** What a store is opened with. */
    record Context(Path root, Consumer<String> warnings, Duration uploadTtl, Quotas quotas) {
    }
}
