package org.fita.server.internal;

import java.io.IOException;
import java.util.regex.Pattern;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.BlockResult;
import org.fita.server.storage.UploadSession;

/**
 * FILE UPLOAD (STEP-PROTOCOL 7.2): one block, streamed from the frame to storage. Only the reply
 * to the block that completes the file carries its md5.
 */
final class UploadHandler extends StoreHandler {
    private static final Pattern CRC_HEX = Pattern.compile("[0-9a-fA-F]{8}");

    UploadHandler(BlobStore store) {
        super(store, MessageType.FILE, Operation.UPLOAD);
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        StepMessage m = r.message();
        String user = r.user();
        String key = r.key("Field \"key\" is missing for FILE uploading.");
        // A finished key takes blocks only for an upload replacing it (the replace extension).
        if (store.stat(user, key).isPresent() && !store.hasUnfinished(user, key)) {
            throw new Refused(Status.OPERATION_NOT_ALLOWED, "The \"key\" " + key + " is completely uploaded.");
        }
        UploadSession session = store.findUpload(user, key).orElseThrow(() -> new Refused(
                Status.OPERATION_NOT_ALLOWED, "The \"key\" " + key + " is not accepted for uploading."));
        long i = r.blockIndex();
        r.checkBlockIndex(i, session.totalBlocks());
        int expected = Blocks.length(session.size(), session.blockSize(), i);
        if (r.frame().binaryLength() != expected) {
            throw new Refused(Status.BLOCK_SIZE_WRONG, "The \"block_size\" is wrong.");
        }
        Integer crc = null;
        // Checked whenever present: a classic client never sends the field, and a wrong one must not be stored.
        if (r.extensions() && m.has(Fields.BLOCK_CRC32C)) {
            String hex = m.string(Fields.BLOCK_CRC32C).filter(s -> CRC_HEX.matcher(s).matches())
                    .orElseThrow(() -> new Refused(Status.INVALID_VALUE, "\"block_crc32c\" has to be 8 hexadecimal digits."));
            crc = (int) Long.parseLong(hex, 16);
        }
        BlockResult result = session.writeBlock(i, r.frame().binary(), expected, crc);
        if (result.outcome() == BlockResult.Outcome.CHECKSUM_MISMATCH) {
            throw new Refused(Status.CHECKSUM_MISMATCH, "The block " + i
                    + " does not match its CRC-32C; it was not recorded as received. Send it again.");
        }
        Replies ok = Replies.of(Operation.UPLOAD, MessageType.FILE, Status.OK, "The block " + i + " is uploaded.")
                .with(Fields.KEY, key).with(Fields.BLOCK_INDEX, i);
        if (result.completed() != null) {
            ok.with(Fields.MD5, result.completed().md5());
        }
        return r.reply(ok);
    }
}
