package org.fita.transfer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import org.fita.protocol.Blocks;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.StepMessage;

/**
 * What the server said it supports, read from its LOGIN reply. A classic server announces nothing:
 * stop-and-wait, the plan's block size, no listing.
 */
public record Capabilities(String server, int fitaVersion, Set<String> extensions, int minBlockSize, int maxBlockSize,
        long maxFileSize, int maxListPage, int maxBatchFiles, int maxBatchBytes) {

    public static Capabilities classic() {
        return new Capabilities("classic STEP server", 0, Set.of(), Blocks.CLASSIC_BLOCK_SIZE, Blocks.CLASSIC_BLOCK_SIZE,
                Long.MAX_VALUE, 0, 0, 0);
    }

    static Capabilities fromLogin(StepMessage reply) {
        if (reply.fitaVersion() < 1 || !(reply.json().get(Fields.EXTENSIONS) instanceof com.google.gson.JsonArray names)) {
            return classic();
        }
        Set<String> extensions = new LinkedHashSet<>();
        for (JsonElement name : names) {
            if (name.isJsonPrimitive()) {
                extensions.add(name.getAsString());
            }
        }
        JsonObject limits = reply.json().get(Fields.LIMITS) instanceof JsonObject o ? o : new JsonObject();
        StepMessage l = new StepMessage(limits);
        return new Capabilities(reply.string(Fields.SERVER).orElse("FiTA"), reply.fitaVersion(), Set.copyOf(extensions),
                (int) l.integer("min_block_size").orElse(Blocks.MIN_BLOCK_SIZE),
                (int) l.integer("max_block_size").orElse(Blocks.CLASSIC_BLOCK_SIZE),
                l.integer("max_file_size").orElse(Long.MAX_VALUE),
                (int) l.integer("max_list_page").orElse(100),
                (int) Math.max(0, Math.min(Extensions.MAX_BATCH_FILES, l.integer(Fields.MAX_BATCH_FILES).orElse(0))),
                (int) Math.max(0, Math.min(Extensions.MAX_BATCH_BYTES, l.integer(Fields.MAX_BATCH_BYTES).orElse(0))));
    }

    public boolean isFita() {
        return fitaVersion > 0;
    }

    public boolean has(String extension) {
        return extensions.contains(extension);
    }

    public boolean pipelining() {
        return has(Extensions.PIPELINING);
    }

    /** A block size this server accepts, as near {@code wanted} as its limits allow. */
    public int blockSize(int wanted) {
        if (!has(Extensions.BLOCK_SIZE)) {
            return Blocks.CLASSIC_BLOCK_SIZE;
        }
        return Math.max(minBlockSize, Math.min(maxBlockSize, wanted));
    }
}
