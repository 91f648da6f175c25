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

/**
 * FILE DOWNLOAD (STEP-PROTOCOL 7.4): one block. The reply names the file region; the connection
 * reads and sends its bytes ({@link ReplyWriter}).
 */
final class DownloadHandler extends StoreHandler {
    DownloadHandler(BlobStore store) {
        // The reference labels every refusal of this operation "GET" (B7); classic clients may match it.
        super(store, MessageType.FILE, Operation.GET);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        String key = r.key("Field \"key\" is missing for FILE downloading.");
        StoredFile f = store.stat(r.user(), key).orElse(null);
        if (f == null) {
            throw new Refused(Status.NOT_FOUND, store.hasUnfinished(r.user(), key)
                    ? "The \"key\" " + key + " is not completely uploaded. Please upload it first"
                    : "The \"key\" " + key + " is not existing.");
        }
        long i = r.blockIndex();
        int blockSize = r.blockSize();
        r.checkBlockIndex(i, Blocks.totalBlocks(f.size(), blockSize));
        int length = Blocks.length(f.size(), blockSize, i);
        Replies ok = Replies.of(Operation.DOWNLOAD, MessageType.FILE, Status.OK, "An available block.")
                .with(Fields.BLOCK_INDEX, i).with(Fields.KEY, key).with(Fields.SIZE, length);
        // The writer fills in block_crc32c as it reads the bytes, when this placeholder is present.
        if (r.flag(Fields.WANT_CRC32C)) {
            ok.with(Fields.BLOCK_CRC32C, "");
        }
        return new Reply(ok.build(), new Reply.Block(r.user(), f, i * blockSize, length), false, r.user());
    }
}
