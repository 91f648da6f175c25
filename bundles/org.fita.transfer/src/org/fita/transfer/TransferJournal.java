package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;

/**
 * Unfinished transfers, one small JSON file each under the user's FiTA folder
 * ({@code ~/.fita/journal}), written before a transfer starts moving bytes and removed once it is
 * verified. After a crash, running the same command again (or {@code fita resume}) finds the entry:
 * an upload whose local file still has the same size and modification time resumes from the blocks
 * the server holds; a download continues its {@code .part} file.
 */
public final class TransferJournal {
    private final Path dir;

    public TransferJournal(Path dir) {
        this.dir = dir;
    }

    public static Path defaultDirectory() {
        return FitaHome.dir().resolve("journal");
    }

    /**
     * One unfinished transfer.
     *
     * @param size      the local file's size when the upload started (-1 for a download)
     * @param modified  the local file's modification time in ms (-1 for a download)
     */
    public record Entry(String id, TransferInfo.Direction direction, String server, String user, String key,
            String path, long size, long modified, int blockSize, long created) {
    }

    public static String idOf(TransferInfo.Direction direction, ServerAddress server, String user, String key, Path path) {
        String identity = direction + "\n" + server + "\n" + user + "\n" + key + "\n" + path.toAbsolutePath().normalize();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public synchronized void record(Entry entry) throws IOException {
        Files.createDirectories(dir);
        JsonObject o = new JsonObject();
        o.addProperty("id", entry.id());
        o.addProperty("direction", entry.direction().name());
        o.addProperty("server", entry.server());
        o.addProperty("user", entry.user());
        o.addProperty("key", entry.key());
        o.addProperty("path", entry.path());
        o.addProperty("size", entry.size());
        o.addProperty("modified", entry.modified());
        o.addProperty("block_size", entry.blockSize());
        o.addProperty("created", entry.created());
        AtomicFiles.replace(dir.resolve(entry.id() + ".json"), StepJson.encode(o));
    }

    public synchronized void remove(String id) throws IOException {
        Files.deleteIfExists(dir.resolve(id + ".json"));
    }

    public synchronized Optional<Entry> find(String id) {
        return read(dir.resolve(id + ".json"));
    }

    /** Every unfinished transfer, oldest first; unreadable entries are skipped. */
    public synchronized List<Entry> entries() throws IOException {
        List<Entry> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                read(f).ifPresent(all::add);
            }
        }
        all.sort((a, b) -> Long.compare(a.created(), b.created()));
        return all;
    }

    private static Optional<Entry> read(Path file) {
        try {
            StepMessage m = new StepMessage(StepJson.parse(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
            return Optional.of(new Entry(m.string("id").orElseThrow(),
                    TransferInfo.Direction.valueOf(m.string("direction").orElseThrow()), m.string("server").orElseThrow(),
                    m.string("user").orElseThrow(), m.string("key").orElseThrow(), m.string("path").orElseThrow(),
                    m.integer("size").orElse(-1), m.integer("modified").orElse(-1),
                    (int) m.integer("block_size").orElse(0), m.integer("created").orElse(0)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
