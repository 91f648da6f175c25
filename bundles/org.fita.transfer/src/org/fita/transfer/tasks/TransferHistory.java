package org.fita.transfer.tasks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fita.transfer.AtomicFiles;
import org.fita.transfer.FitaHome;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferResult;
import org.fita.transfer.WhenExists;

/**
 * The transfers a workbench showed, in one JSON file ({@code ~/.fita/transfers.json}) written whole
 * with {@link AtomicFiles}, so that its Transfers list survives a restart. What resumes an
 * unfinished transfer is the {@link TransferJournal} and the server's blocks; this file only says
 * what was running.
 */
public final class TransferHistory {
    /** Finished transfers kept beyond this many are dropped, oldest first; unfinished ones always stay. */
    public static final int MAX_FINISHED = 1000;
    private static final int FORMAT = 1;

    private final Path file;

    public TransferHistory(Path file) {
        this.file = file;
    }

    public static Path defaultFile() {
        return FitaHome.dir().resolve("transfers.json");
    }

    public Path file() {
        return file;
    }

    /**
     * One transfer as last seen.
     *
     * @param size    bytes in all, or -1 if never known
     * @param md5     the verified MD5, or "" before verification
     * @param updated when its status last changed, ms since the epoch
     */
    public record Entry(TransferInfo.Direction direction, ServerAddress server, String username, String key,
            Path localPath, WhenExists whenExists, TransferTask.State state, long bytesDone, long size, String message,
            String md5, long updated) {

        static Entry of(TransferTask task) {
            TransferTask.Status status = task.status();
            TransferResult result = task.result();
            return new Entry(task.direction(), task.server(), task.username(), task.key(), task.localPath(),
                    task.whenExists(), status.state(), status.bytesDone(), status.size(), status.message(),
                    result == null ? "" : result.md5(), task.changedAt());
        }
    }

    /**
     * What the file holds, oldest first; nothing if there is no file.
     *
     * @throws IOException if it cannot be read or is not a transfer history (the message says which)
     */
    public List<Entry> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            for (JsonElement e : root.getAsJsonArray("transfers")) {
                entries.add(read(e.getAsJsonObject()));
            }
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException | NullPointerException
                | UnsupportedOperationException e) {
            throw new IOException(file + " is not a FiTA transfer list (" + e.getMessage() + ").", e);
        }
        return entries;
    }

    /** Replaces the file with {@code entries} (oldest first), trimmed to {@link #MAX_FINISHED} finished ones. */
    public synchronized void save(List<Entry> entries) throws IOException {
        long finished = entries.stream().filter(e -> e.state().isFinal()).count();
        JsonArray array = new JsonArray();
        for (Entry e : entries) {
            if (e.state().isFinal() && finished > MAX_FINISHED) {
                finished--;
                continue;
            }
            array.add(write(e));
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.add("transfers", array);
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.replace(file, root.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Moves an unreadable file aside (to {@code transfers.json.bad}) so that the next save does not destroy it. */
    public Path setAside() throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".bad");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    private static JsonObject write(Entry e) {
        JsonObject o = new JsonObject();
        o.addProperty("direction", e.direction().name().toLowerCase(Locale.ROOT));
        o.addProperty("host", e.server().host());
        o.addProperty("port", e.server().port());
        o.addProperty("username", e.username());
        o.addProperty("key", e.key());
        o.addProperty("local_path", e.localPath().toString());
        o.addProperty("when_exists", e.whenExists().name().toLowerCase(Locale.ROOT));
        o.addProperty("state", e.state().name().toLowerCase(Locale.ROOT));
        o.addProperty("bytes_done", e.bytesDone());
        o.addProperty("size", e.size());
        o.addProperty("message", e.message());
        o.addProperty("md5", e.md5());
        o.addProperty("updated", e.updated());
        return o;
    }

    private static Entry read(JsonObject o) {
        return new Entry(TransferInfo.Direction.valueOf(upper(o, "direction")),
                new ServerAddress(o.get("host").getAsString(), o.get("port").getAsInt()), o.get("username").getAsString(),
                o.get("key").getAsString(), Path.of(o.get("local_path").getAsString()),
                WhenExists.valueOf(upper(o, "when_exists")), TransferTask.State.valueOf(upper(o, "state")),
                o.get("bytes_done").getAsLong(), o.get("size").getAsLong(), o.get("message").getAsString(),
                o.get("md5").getAsString(), o.get("updated").getAsLong());
    }

    private static String upper(JsonObject o, String name) {
        return o.get(name).getAsString().toUpperCase(Locale.ROOT);
    }
}
