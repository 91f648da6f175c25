package org.fita.server.internal;

import com.google.gson.JsonObject;
import java.io.IOException;
import org.fita.protocol.Direction;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Status;
import org.fita.server.storage.BlobStore;

/** DATA GET (STEP-PROTOCOL 6.2): the stored record with the reply fields written over it. */
final class DataGetHandler extends StoreHandler {
    DataGetHandler(BlobStore store) {
        super(store, MessageType.DATA, Operation.GET);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String key = r.key("Field \"key\" is missing for DATA GET.");
        JsonObject out = store.getData(r.user(), key)
                .orElseThrow(() -> new Refused(Status.NOT_FOUND, "The key " + key + " is not existing."));
        out.remove(Fields.TOKEN);
        // Overwrite in place, as the reference's dict update does, then append what is new.
        out.addProperty(Fields.OPERATION, Operation.GET.wireName());
        out.addProperty(Fields.DIRECTION, Direction.RESPONSE.wireName());
        out.addProperty(Fields.STATUS, Status.OK.code());
        out.addProperty(Fields.STATUS_MSG, "OK");
        out.addProperty(Fields.TYPE, MessageType.DATA.wireName());
        return Reply.of(out, r.user());
    }
}
