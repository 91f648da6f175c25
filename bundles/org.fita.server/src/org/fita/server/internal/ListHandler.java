package org.fita.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.OptionalLong;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.ListPage;
import org.fita.server.storage.StoredFile;

/** FILE LIST (extension "list"): a page of the user's finished files, in key order. */
final class ListHandler extends StoreHandler {
    /** Largest LIST page. */
    static final int MAX_PAGE = 1000;

    ListHandler(BlobStore store) {
        super(store, MessageType.FILE, Operation.LIST);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        StepMessage m = r.message();
        for (String field : new String[] {Fields.PREFIX, Fields.AFTER}) {
            if (m.has(field) && m.string(field).isEmpty()) {
                throw new Refused(Status.INVALID_VALUE, "\"" + field + "\" has to be a string.");
            }
        }
        long limit = MAX_PAGE;
        if (m.has(Fields.LIMIT)) {
            OptionalLong asked = m.integer(Fields.LIMIT);
            if (asked.isEmpty() || asked.getAsLong() < 1 || asked.getAsLong() > MAX_PAGE) {
                throw new Refused(Status.INVALID_VALUE, "\"limit\" has to be an integer from 1 to " + MAX_PAGE + ".");
            }
            limit = asked.getAsLong();
        }
        ListPage page = store.list(r.user(), m.string(Fields.PREFIX).orElse(null), m.string(Fields.AFTER).orElse(null),
                (int) limit);
        JsonArray files = new JsonArray();
        for (StoredFile f : page.files()) {
            JsonObject entry = new JsonObject();
            entry.addProperty(Fields.KEY, f.key());
            entry.addProperty(Fields.SIZE, f.size());
            entry.addProperty(Fields.MD5, f.md5());
            entry.addProperty(Fields.MODIFIED, f.modified());
            files.add(entry);
        }
        Replies ok = Replies.of(Operation.LIST, MessageType.FILE, Status.OK, "OK. This is a page of " + files.size()
                + " files.").with(Fields.FILES, files);
        if (page.nextAfter() != null) {
            ok.with(Fields.NEXT_AFTER, page.nextAfter());
        }
        return r.reply(ok);
    }
}
