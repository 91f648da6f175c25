package org.fita.server.internal;

import java.io.IOException;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.server.storage.BlobStore;

/** DATA DELETE (STEP-PROTOCOL 6.3). */
final class DataDeleteHandler extends StoreHandler {
    DataDeleteHandler(BlobStore store) {
        super(store, MessageType.DATA, Operation.DELETE);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String key = r.key("Field \"key\" is missing for DATA delete.");
        if (!store.deleteData(r.user(), key)) {
            throw new Refused(Status.NOT_FOUND, "The \"key\" " + key + " is not existing.");
        }
        return r.reply(Replies.of(Operation.DELETE, MessageType.DATA, Status.OK, "The \"key\" " + key + " is deleted.")
                .with(Fields.KEY, key));
    }
}
