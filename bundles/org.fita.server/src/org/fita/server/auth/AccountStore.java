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
import org.fita.server.storage.PrivateFiles;

/**
 * The accounts of {@link AuthMode#ACCOUNTS}: {@code accounts.json} under the storage root, a JSON
 * object {@code {"users": {"<name>": {"hash": "...", "created": <ms>, "generation": "...", "quota": <bytes>}},
 * "revoked": {"<name>": "..."}}}. A user's generation is random and signed into every token issued to
 * them; a new one (password change, re-created user, {@link #revoke}) invalidates every earlier token.
 * {@code revoked} holds generations of users without an account (classic mode). Changes are written to a
 * temporary file and renamed, under a file lock, so the command line can add users while the
 * server runs; the server rereads the file when it changes.
 */
public final class AccountStore {
    public static final String FILE_NAME = "accounts.json";

    private final Path file;
    private final Path lockFile;
    private final PasswordHasher hasher;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private JsonObject cached = emptyRoot();
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

    private static JsonObject emptyRoot() {
        JsonObject root = new JsonObject();
        root.add("users", new JsonObject());
        root.add("revoked", new JsonObject());
        return root;
    }

    private static String newGeneration() {
        byte[] g = new byte[16];
        RANDOM.nextBytes(g);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(g);
    }

    /** The generation signed into the user's tokens; "" for a user never given one. */
    public String generation(String username) {
        try {
            JsonObject root = root();
            JsonObject user = root.getAsJsonObject("users").getAsJsonObject(username);
            if (user != null && user.has("generation")) {
                return user.get("generation").getAsString();
            }
            JsonElement revoked = root.getAsJsonObject("revoked").get(username);
            return revoked != null && revoked.isJsonPrimitive() ? revoked.getAsString() : "";
        } catch (IOException | RuntimeException e) {
            // Unreadable accounts: a generation no token carries, so every token is refused until it is fixed.
            return "unreadable:" + newGeneration();
        }
    }

    /**
     * Makes every token issued so far to {@code username} invalid. True if the user has an account;
     * a user without one (classic mode) is revoked all the same.
     */
    public boolean revoke(String username) throws IOException {
        boolean[] account = new boolean[1];
        updateRoot(root -> {
            JsonObject user = root.getAsJsonObject("users").getAsJsonObject(username);
            account[0] = user != null;
            if (user != null) {
                user.addProperty("generation", newGeneration());
            } else {
                root.getAsJsonObject("revoked").addProperty(username, newGeneration());
            }
        });
        return account[0];
    }

    /** The user's own quota in bytes, if their account has one. */
    public java.util.OptionalLong quota(String username) throws IOException {
        JsonObject user = users().getAsJsonObject(username);
        if (user == null || !user.has("quota") || !user.get("quota").isJsonPrimitive()) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(user.get("quota").getAsLong());
    }

    /**
     * Sets a user's own quota: bytes, {@link org.fita.server.storage.Quotas#UNLIMITED} for none, or
     * null to follow the server's default again.
     */
    public void setQuota(String username, Long bytes) throws IOException {
        update(users -> {
            JsonObject user = users.getAsJsonObject(username);
            if (user == null) {
                throw new IllegalArgumentException("There is no user \"" + username + "\" in " + file + ".");
            }
            if (bytes == null) {
                user.remove("quota");
            } else {
                user.addProperty("quota", bytes);
            }
        });
    }

    /** Each user's quota: their account's own, else {@code defaultQuota}. */
    public org.fita.server.storage.Quotas quotas(long defaultQuota) {
        return user -> quota(user).orElse(defaultQuota);
    }

    public List<String> list() throws IOException {
        return new ArrayList<>(users().keySet()).stream().sorted().toList();
    }

    public boolean exists(String username) throws IOException {
        return users().has(username);
    }

    /** Adds a user, or changes the password of an existing one when {@code replace} is set. */
    public void add(String username, String password, boolean replace) throws IOException {
        add(username, password, replace, null);
    }

    /**
     * Adds a user, or changes the password of an existing one when {@code replace} is set; either
     * way the user gets a new generation, so tokens issued before are refused.
     *
     * @param quota bytes the user may use, or null to keep theirs (the server's default for a new user)
     */
    public void add(String username, String password, boolean replace, Long quota) throws IOException {
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
            JsonObject old = users.getAsJsonObject(username);
            JsonObject entry = new JsonObject();
            entry.addProperty("hash", hash);
            entry.addProperty("created", System.currentTimeMillis());
            entry.addProperty("generation", newGeneration());
            if (quota != null) {
                entry.addProperty("quota", quota);
            } else if (old != null && old.has("quota")) {
                entry.add("quota", old.get("quota"));
            }
            users.add(username, entry);
        });
    }

    /** Removes a user; false if there was none. Their stored files stay on disk. */
    public boolean remove(String username) throws IOException {
        boolean[] removed = new boolean[1];
        updateRoot(root -> {
            JsonElement gone = root.getAsJsonObject("users").remove(username);
            removed[0] = gone != null;
            // Its tokens stay verifiable, so that they are refused as "no longer exists" rather than as forged;
            // a re-created account gets a new generation and never accepts them.
            if (gone != null && gone.isJsonObject() && gone.getAsJsonObject().has("generation")) {
                root.getAsJsonObject("revoked").add(username, gone.getAsJsonObject().get("generation"));
            }
        });
        return removed[0];
    }

    private interface Change {
        void apply(JsonObject users);
    }

    private void update(Change change) throws IOException {
        updateRoot(root -> change.apply(root.getAsJsonObject("users")));
    }

    private void updateRoot(Change change) throws IOException {
        PrivateFiles.createDirectories(file.getParent());
        try (FileChannel lockChannel = PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            JsonObject root = readFile();
            change.apply(root);
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            try (FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(StepJson.encode(root)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private JsonObject users() throws IOException {
        return root().getAsJsonObject("users");
    }

    private synchronized JsonObject root() throws IOException {
        // Every change renames a new file into place, so the file key (inode) tells changes apart
        // even when time and size are the same. One stat per request: every token check comes here.
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return emptyRoot();
        }
        FileTime time = attributes.lastModifiedTime();
        long size = attributes.size();
        Object identity = attributes.fileKey();
        if (!time.equals(cachedTime) || size != cachedSize || !java.util.Objects.equals(identity, cachedIdentity)) {
            cached = readFile();
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
                JsonElement parsed;
                try (FileChannel ch = PrivateFiles.open(file, StandardOpenOption.READ)) {
                    parsed = StepJson.parse(new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(),
                            StandardCharsets.UTF_8));
                }
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
        if (!root.has("revoked") || !root.get("revoked").isJsonObject()) {
            root.add("revoked", new JsonObject());
        }
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("users").entrySet()) {
            if (!e.getValue().isJsonObject()) {
                throw new IOException("The accounts file " + file + " has a bad entry for \"" + e.getKey() + "\".");
            }
        }
        return root;
    }
}
