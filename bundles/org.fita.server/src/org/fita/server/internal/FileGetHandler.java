package org.fita.server.internal;

import java.io.IOException;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;

/** FILE GET (STEP-PROTOCOL 7.3): the download plan, with the md5 stored at upload (not hashed again). */
final class FileGetHandler extends StoreHandler {
    FileGetHandler(BlobStore store) {
        super(store, MessageType.FILE, Operation.GET);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String key = r.key("Field \"key\" is missing for FILE GET.");
        StoredFile f = store.stat(r.user(), key).orElse(null);
        if (f == null) {
            String why = store.hasUnfinished(r.user(), key) ? " is not completely uploaded." : " is not existing.";
            throw new Refused(Status.NOT_FOUND, "The key " + key + why);
        }
        int blockSize = r.blockSize();
        return r.reply(Replies.of(Operation.GET, MessageType.FILE, Status.OK, "OK. This is the download plan.")
                .with(Fields.KEY, key)
                .with(Fields.SIZE, f.size())
                .with(Fields.TOTAL_BLOCK, Blocks.totalBlocks(f.size(), blockSize))
                .with(Fields.BLOCK_SIZE, blockSize)
                .with(Fields.MD5, f.md5()));
    }
}
