package org.fita.server.internal;

import com.google.gson.JsonObject;
import org.fita.server.storage.StoredFile;

/**
 * What the connection writes back for one request.
 *
 * @param json  the reply object
 * @param block for a DOWNLOAD, the file region to send as the binary part, else {@code null}
 * @param close whether to close the connection after writing
 * @param user  who made the request, for events and the log (may be {@code null})
 */
record Reply(JsonObject json, Block block, boolean close, String user) {

    /** A region of a finished file. */
    record Block(String user, StoredFile file, long offset, int length) {
    }

    static Reply of(JsonObject json, String user) {
        return new Reply(json, null, false, user);
    }
}
