package org.fita.server.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.OptionalLong;
import org.fita.protocol.Extensions;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Md5Hex;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;
import org.fita.server.storage.UploadSession;

/**
 * FILE SAVE (STEP-PROTOCOL 7.1): the upload plan. FiTA requests may ask for a block size, to
 * resume (the plan lists the blocks held) and to replace a finished file.
 */
final class FileSaveHandler extends StoreHandler {

    private final ServerConfig config;

    FileSaveHandler(ServerConfig config, BlobStore store) {
        super(store, MessageType.FILE, Operation.SAVE);
        this.config = config;
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        StepMessage m = r.message();
        String key = r.keyOrNew();
        boolean replace = r.flag(Fields.REPLACE);
        if (!replace && store.stat(r.user(), key).isPresent()) {
            throw new Refused(Status.KEY_EXISTS, "This \"key\" " + key + " is existing.");
        }
        if (!m.has(Fields.SIZE)) {
            throw new Refused(Status.KEY_EXISTS, "This file \"size\" has to be included"); // 402: the reference's code
        }
        OptionalLong asked = m.integer(Fields.SIZE);
        if (asked.isEmpty() || asked.getAsLong() < 0) {
            throw new Refused(Status.INVALID_VALUE, "\"size\" has to be an integer of 0 or more bytes.");
        }
        long size = asked.getAsLong();
        if (size > config.maxFileSize()) {
            throw new Refused(Status.TOO_LARGE, "The file is " + size + " bytes; this server accepts files of at most "
                    + config.maxFileSize() + " bytes.");
        }
        if (r.flag(Fields.INLINE)) {
            return inline(r, key, size, replace);
        }
        int blockSize = r.blockSize();
        Replies plan = Replies.of(Operation.SAVE, MessageType.FILE, Status.OK, "This is the upload plan.")
                .with(Fields.KEY, key)
                .with(Fields.SIZE, m.json().get(Fields.SIZE))
                .with(Fields.TOTAL_BLOCK, Blocks.totalBlocks(size, blockSize))
                .with(Fields.BLOCK_SIZE, blockSize);
        if (size == 0) {
            // No block will ever complete an empty upload, so it completes now (STEP-PROTOCOL B12).
            // With replace, that is the replacement: verified at once (the MD5 of nothing).
            StoredFile empty = store.storeEmpty(r.user(), key);
            return r.reply(plan.with(Fields.MD5, empty.md5()));
        }
        UploadSession session = store.beginUpload(r.user(), key, size, blockSize, r.flag(Fields.RESUME), replace);
        if (r.fita()) {
            plan.with(Fields.RECEIVED_COUNT, session.receivedCount())
                    .with(Fields.RECEIVED_BITMAP, Base64.getEncoder().encodeToString(session.receivedBitmap()));
        }
        return r.reply(plan);
    }

    /** The largest file this server takes inline: 1 MiB, or less where the block or file limit is lower. */
    static long maxInlineBytes(ServerConfig config) {
        return Math.min(Extensions.MAX_INLINE_BYTES, Math.min(config.maxBlockSize(), config.maxFileSize()));
    }

    /** The inline-upload extension: the binary part is the whole file; stored, durable and answered at once. */
    private Reply inline(Request r, String key, long size, boolean replace) throws IOException, Refused {
        long max = maxInlineBytes(config);
        if (size > max) {
            throw new Refused(Status.TOO_LARGE, "The file is " + size + " bytes; a FILE SAVE carries at most " + max
                    + " bytes inline. Ask for an upload plan (without \"inline\") and send its blocks.");
        }
        long sent = r.frame().binaryLength();
        if (sent != size) {
            throw new Refused(Status.BLOCK_SIZE_WRONG, "The binary part is " + sent + " bytes but \"size\" is " + size
                    + "; an inline FILE SAVE carries the whole file.");
        }
        String md5 = r.message().string(Fields.MD5).filter(Md5Hex::isValid)
                .orElseThrow(() -> new Refused(Status.INVALID_VALUE,
                        "\"md5\" has to be 32 hexadecimal digits: the MD5 of the binary part."))
                .toLowerCase(Locale.ROOT);
        BlobStore.InlineResult result = store.storeInline(r.user(), key, r.frame().binary(), size, md5, replace);
        return switch (result.outcome()) {
            case EXISTS -> throw new Refused(Status.KEY_EXISTS, "This \"key\" " + key + " is existing.");
            case MD5_MISMATCH -> throw new Refused(Status.CHECKSUM_MISMATCH, "The bytes of \"" + key
                    + "\" do not match their md5; nothing was stored. Send the file again.");
            case STORED -> r.reply(Replies.of(Operation.SAVE, MessageType.FILE, Status.OK, "The file is stored.")
                    .with(Fields.KEY, key)
                    .with(Fields.SIZE, size)
                    .with(Fields.MD5, result.file().md5()));
        };
    }
}
