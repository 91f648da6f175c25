package org.fita.server.internal;

import com.google.gson.JsonObject;
import java.util.List;
import org.fita.server.storage.StoredFile;

/**
 * What the connection writes back for one request.
 *
 * @param json  the reply object
 * @param block for a DOWNLOAD, the file region to send as the binary part, else {@code null}
 * @param close whether to close the connection after writing
 * @param user  who made the request, for events and the log (may be {@code null})
 * @param batch for a BATCH_GET, the files whose bytes make up the binary part, in order; else empty
 */
record Reply(JsonObject json, Block block, boolean close, String user, List<Block> batch) {

    Reply(JsonObject json, Block block, boolean close, String user) {
        this(json, block, close, user, List.of());
    }

    /** A region of a finished file. */
    record Block(String user, StoredFile file, long offset, int length) {
    }

    static Reply of(JsonObject json, String user) {
        return new Reply(json, null, false, user);
    }
}
