package org.fita.server.auth;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.Names;
import org.fita.protocol.StepJson;

/**
 * The accounts of {@link AuthMode#ACCOUNTS}: {@code accounts.json} under the storage root, a JSON
 * object {@code {"users": {"<name>": {"hash": "...", "created": <ms>}}}}. Changes are written to a
 * temporary file and renamed, under a file lock, so the command line can add users while the
 * server runs; the server rereads the file when it changes.
 */
public final class AccountStore {
    public static final String FILE_NAME = "accounts.json";

    private final Path file;
    private final Path lockFile;
    private final PasswordHasher hasher;
    private JsonObject cached = new JsonObject();
    private FileTime cachedTime;
    private long cachedSize = -1;
    private Object cachedIdentity;

    public AccountStore(Path root, PasswordHasher hasher) {
        this.file = root.resolve(FILE_NAME);
        this.lockFile = root.resolve(FILE_NAME + ".lock");
        this.hasher = hasher;
    }

    public Path file() {
        return file;
    }

    /** True if the user exists and the password matches. Takes the same time for unknown users. */
    public boolean verify(String username, String password) throws IOException {
        JsonObject user = users().getAsJsonObject(username);
        String hash = user == null || !user.has("hash") ? null : user.get("hash").getAsString();
        if (hash == null) {
            PasswordHasher.verify(password, UNKNOWN_USER_HASH);
            return false;
        }
        return PasswordHasher.verify(password, hash);
    }

    /** A hash no password matches, verified for unknown users so their logins cost the same time. */
    private static final String UNKNOWN_USER_HASH = "pbkdf2-sha256$" + PasswordHasher.DEFAULT_ITERATIONS
            + "$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    public List<String> list() throws IOException {
        return new ArrayList<>(users().keySet()).stream().sorted().toList();
    }

    public boolean exists(String username) throws IOException {
        return users().has(username);
    }

    /** Adds a user, or changes the password of an existing one when {@code replace} is set. */
    public void add(String username, String password, boolean replace) throws IOException {
        Optional<String> problem = Names.usernameProblem(username);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("The password is empty.");
        }
        String hash = hasher.hash(password);
        update(users -> {
            if (users.has(username) && !replace) {
                throw new IllegalArgumentException("The user \"" + username + "\" already exists.");
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("hash", hash);
            entry.addProperty("created", System.currentTimeMillis());
            users.add(username, entry);
        });
    }

    /** Removes a user; false if there was none. Their stored files stay on disk. */
    public boolean remove(String username) throws IOException {
        boolean[] removed = new boolean[1];
        update(users -> removed[0] = users.remove(username) != null);
        return removed[0];
    }

    private interface Change {
        void apply(JsonObject users);
    }

    private void update(Change change) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            JsonObject root = readFile();
            JsonObject users = root.getAsJsonObject("users");
            change.apply(users);
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(StepJson.encode(root)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private synchronized JsonObject users() throws IOException {
        if (!Files.exists(file)) {
            return new JsonObject();
        }
        // Every change renames a new file into place, so the file key (inode) tells changes apart
        // even when time and size are the same.
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        FileTime time = attributes.lastModifiedTime();
        long size = attributes.size();
        Object identity = attributes.fileKey();
        if (!time.equals(cachedTime) || size != cachedSize || !java.util.Objects.equals(identity, cachedIdentity)) {
            cached = readFile().getAsJsonObject("users");
            cachedTime = time;
            cachedSize = size;
            cachedIdentity = identity;
        }
        return cached;
    }

    private JsonObject readFile() throws IOException {
        JsonObject root = new JsonObject();
        if (Files.exists(file)) {
            try {
                JsonElement parsed = StepJson.parse(Files.readString(file, StandardCharsets.UTF_8));
                if (parsed.isJsonObject()) {
                    root = parsed.getAsJsonObject();
                }
            } catch (MalformedFrameException e) {
                throw new IOException("The accounts file " + file + " is damaged: " + e.getMessage()
                        + ". Restore it from a backup or remove it and add the users again.", e);
            }
        }
        if (!root.has("users") || !root.get("users").isJsonObject()) {
            root.add("users", new JsonObject());
        }
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("users").entrySet()) {
            if (!e.getValue().isJsonObject()) {
                throw new IOException("The accounts file " + file + " has a bad entry for \"" + e.getKey() + "\".");
            }
        }
        return root;
    }
}
