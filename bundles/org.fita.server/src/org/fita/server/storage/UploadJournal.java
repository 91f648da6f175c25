package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fita.protocol.Blocks;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;

/**
 * The format of an upload's journal: a JSON header line (key, size, block size, boot id, replace),
 * then one decimal block index per line, with {@code sync N} checkpoints (the first N block lines are
 * durable). {@link ReceivedBlocks} appends to it; this reads it back. Stateless, no locks.
 */
final class UploadJournal {
    private UploadJournal() {
    }

    /** The plan in a journal's header. */
    record Plan(String key, long size, int blockSize, String bootId) {
    }

    /** What a journal says an upload holds. {@code trusted} of its {@code entries} block lines were kept. */
    record Held(Plan plan, BlockRuns received, long entries, long trusted) {
    }

    static String header(String key, long size, int blockSize, boolean replace) {
        JsonObject h = new JsonObject();
        h.addProperty("key", key);
        h.addProperty("size", size);
        h.addProperty("block_size", blockSize);
        h.addProperty("boot_id", BootId.current());
        if (replace) {
            h.addProperty("replace", true);
        }
        return StepJson.toText(h) + "\n";
    }

    private static Plan plan(BufferedReader reader) throws IOException {
        String header = reader.readLine();
        StepMessage plan = new StepMessage(StepJson.parse(header == null ? "" : header).getAsJsonObject());
        return new Plan(plan.string("key").orElse(null), plan.integer("size").orElseThrow(),
                (int) plan.integer("block_size").orElseThrow(), plan.string("boot_id").orElse(""));
    }

    /**
     * Reads the held blocks. After a process crash every line is true (the kernel still has the
     * bytes); after the machine restarted (another boot id) only the lines of the last checkpoint are.
     * Two passes, so that memory holds only the block map, never a list of every journal line.
     */
    static Held read(Path journal) throws IOException {
        Plan plan;
        long entries = 0;
        long durable = 0;
        try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            plan = plan(reader);
            String line;
            while ((line = reader.readLine()) != null) {
                // A line cut short by a crash has no newline; readLine still returns it, so check it parses.
                if (line.startsWith("sync ") && isDecimal(line.substring(5))) {
                    durable = Math.max(durable, Long.parseLong(line.substring(5)));
                } else if (isDecimal(line)) {
                    entries++;
                }
            }
        }
        boolean sameBoot = plan.bootId().equals(BootId.current()) || BootId.current().isEmpty();
        long trusted = sameBoot ? entries : Math.min(durable, entries);
        long total = Blocks.totalBlocks(plan.size(), plan.blockSize());
        BlockRuns received = new BlockRuns();
        try (BufferedReader again = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            again.readLine();
            long seen = 0;
            String line;
            while (seen < trusted && (line = again.readLine()) != null) {
                if (!line.startsWith("sync ") && isDecimal(line)) {
                    seen++;
                    long index = Long.parseLong(line);
                    if (index < total) {
                        received.add(index);
                    }
                }
            }
        }
        return new Held(plan, received, entries, trusted);
    }

    /** The plan and the number of block lines, without building the block map (the start-up sweep). */
    static Held count(Path journal) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            Plan plan = plan(reader);
            long lines = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (isDecimal(line)) {
                    lines++;
                }
            }
            return new Held(plan, null, lines, lines);
        }
    }

    static boolean isDecimal(String s) {
        return !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(Character::isDigit);
    }
}
