package org.fita.server.internal;

import java.io.IOException;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.server.storage.BlobStore;

/**
 * FILE DELETE (STEP-PROTOCOL 7.5). Every reply says "GET", as the reference's do (B7); a FiTA
 * request with replace cancels only a pending replacement.
 */
final class FileDeleteHandler extends StoreHandler {
    FileDeleteHandler(BlobStore store) {
        // The reference labels every refusal of this operation "GET" (B7); classic clients may match it.
        super(store, MessageType.FILE, Operation.GET);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String user = r.user();
        String key = r.key("Field \"key\" is missing for FILE delete.");
        if (r.flag(Fields.REPLACE) && store.stat(user, key).isPresent()) {
            // Cancels only a pending replacement; the stored file stays.
            if (!store.deleteUnfinished(user, key)) {
                throw new Refused(Status.NOT_FOUND, "The \"key\" " + key + " has no replacement in progress.");
            }
            return deleted(r, key, "The replacement of \"key\" " + key + " is cancelled; the stored file is kept.");
        }
        if (store.deleteFile(user, key)) {
            store.deleteUnfinished(user, key); // a pending replacement goes with the file
            return deleted(r, key, "The \"key\" " + key + " is deleted.");
        }
        if (store.deleteUnfinished(user, key)) {
            throw new Refused(Status.NOT_FOUND,
                    "The \"key\" " + key + " is not completely uploaded. The tmp files are deleted.");
        }
        throw new Refused(Status.NOT_FOUND, "The \"key\" " + key + " is not existing.");
    }

    private static Reply deleted(Request r, String key, String message) {
        return r.reply(Replies.of(Operation.GET, MessageType.FILE, Status.OK, message).with(Fields.KEY, key));
    }
}
