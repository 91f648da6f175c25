package org.fita.server.internal;

import com.google.gson.JsonObject;
import java.io.IOException;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.server.storage.BlobStore;

/** DATA SAVE (STEP-PROTOCOL 6.1): stores the whole request object under the key. */
final class DataSaveHandler extends StoreHandler {
    DataSaveHandler(BlobStore store) {
        super(store, MessageType.DATA, Operation.SAVE);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String key = r.keyOrNew();
        JsonObject record = r.message().json().deepCopy();
        // A stored token would be handed to whoever reads the record (STEP-PROTOCOL S7).
        record.remove(Fields.TOKEN);
        if (!store.saveData(r.user(), key, record)) {
            throw new Refused(Status.KEY_EXISTS, "This key \"" + key + "\" is existing.");
        }
        return r.reply(Replies.of(Operation.SAVE, MessageType.DATA, Status.OK, "Data is saved with key \"" + key + "\"")
                .with(Fields.KEY, key));
    }
}
