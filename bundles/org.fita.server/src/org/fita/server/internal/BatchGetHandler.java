package org.fita.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.fita.protocol.BatchOutcome;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Md5Hex;
import org.fita.protocol.MessageType;
import org.fita.protocol.Names;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;

/**
 * FILE BATCH_GET (extension "batch-get"): many small finished files in one reply. The request
 * names each file with the size and MD5 its listing gave; the reply says each file's outcome and
 * carries, one after another in its binary part, the bytes of those that still have that size and
 * MD5. The sizes asked for are checked against the limits before anything is read, so the binary
 * part never exceeds {@link #maxBatchBytes}; the connection streams it from the files.
 */
final class BatchGetHandler extends StoreHandler {
    private final ServerConfig config;

    BatchGetHandler(ServerConfig config, BlobStore store) {
        super(store, MessageType.FILE, Operation.BATCH_GET);
        this.config = config;
    }

    /** The most bytes one reply carries: 4 MiB, or the largest frame part if lower. */
    static int maxBatchBytes(ServerConfig config) {
        return Math.min(Extensions.MAX_BATCH_BYTES, config.maxBlockSize());
    }

    /** One file asked for, as the request names it. */
    private record Asked(String key, long size, String md5) {
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        List<Asked> asked = asked(r.message());
        JsonArray entries = new JsonArray();
        List<Reply.Block> blocks = new ArrayList<>();
        for (Asked a : asked) {
            JsonObject entry = new JsonObject();
            entry.addProperty(Fields.KEY, a.key());
            StoredFile f = store.stat(r.user(), a.key()).orElse(null);
            if (f == null) {
                entry.addProperty(Fields.OUTCOME, BatchOutcome.NOT_FOUND.wireName());
            } else {
                boolean same = f.size() == a.size() && f.md5().equalsIgnoreCase(a.md5());
                entry.addProperty(Fields.OUTCOME, (same ? BatchOutcome.OK : BatchOutcome.CHANGED).wireName());
                entry.addProperty(Fields.SIZE, f.size());
                entry.addProperty(Fields.MD5, f.md5());
                if (same && f.size() > 0) {
                    blocks.add(new Reply.Block(r.user(), f, 0, (int) f.size()));
                }
            }
            entries.add(entry);
        }
        Replies ok = Replies.of(Operation.BATCH_GET, MessageType.FILE, Status.OK, "OK. " + blocks.size() + " of "
                + asked.size() + " files follow.").with(Fields.FILES, entries);
        return new Reply(ok.build(), null, false, r.user(), List.copyOf(blocks));
    }

    /** The files asked for, each field checked, and their count and total size within the limits. */
    private List<Asked> asked(StepMessage m) throws Refused {
        if (!(m.json().get(Fields.FILES) instanceof JsonArray files) || files.isEmpty()) {
            throw new Refused(Status.INVALID_VALUE, "\"files\" has to be a non-empty array of {\"key\", \"size\", "
                    + "\"md5\"} objects.");
        }
        if (files.size() > Extensions.MAX_BATCH_FILES) {
            throw new Refused(Status.TOO_LARGE, "The batch asks for " + files.size() + " files; this server sends "
                    + "at most " + Extensions.MAX_BATCH_FILES + " in one BATCH_GET.");
        }
        int maxBytes = maxBatchBytes(config);
        List<Asked> asked = new ArrayList<>(files.size());
        long total = 0;
        for (JsonElement e : files) {
            if (!(e instanceof JsonObject o)) {
                throw new Refused(Status.INVALID_VALUE, "Each entry of \"files\" has to be an object.");
            }
            StepMessage f = new StepMessage(o);
            String key = f.key();
            if (key == null) {
                throw new Refused(Status.INVALID_VALUE, "Each entry of \"files\" needs a \"key\" string.");
            }
            String problem = Names.keyProblem(key).orElse(null);
            if (problem != null) {
                throw new Refused(Status.INVALID_VALUE, problem);
            }
            OptionalLong size = f.integer(Fields.SIZE);
            if (size.isEmpty() || size.getAsLong() < 0) {
                throw new Refused(Status.INVALID_VALUE, "The \"size\" of \"" + key + "\" has to be an integer >= 0.");
            }
            String md5 = f.string(Fields.MD5).orElse("");
            if (!Md5Hex.isValid(md5)) {
                throw new Refused(Status.INVALID_VALUE, "The \"md5\" of \"" + key + "\" has to be 32 hexadecimal "
                        + "digits.");
            }
            total += Math.min(size.getAsLong(), (long) maxBytes + 1);
            if (total > maxBytes) {
                throw new Refused(Status.TOO_LARGE, "The batch asks for more than " + maxBytes + " bytes; this server "
                        + "sends at most " + maxBytes + " bytes in one BATCH_GET. Ask for fewer files, and for large "
                        + "ones with FILE GET.");
            }
            asked.add(new Asked(key, size.getAsLong(), md5));
        }
        return asked;
    }
}
