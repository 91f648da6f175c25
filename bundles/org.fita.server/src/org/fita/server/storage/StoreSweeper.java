package org.fita.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fita.protocol.Blocks;

/**
 * The store's sweeps: at start-up, the removal of what a crash left behind (temporary files,
 * metadata without a file, a part without its journal, damaged journals) and the promises of the
 * unfinished uploads found; now and then, the deletion of uploads untouched for longer than their
 * lifetime. Each user's folder is swept under that user's lock, one user at a time.
 */
final class StoreSweeper {
    /** How often the periodic housekeeping looks for expired uploads. */
    private static final long SWEEP_EVERY_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private final LocalBlobStore store;
    private final Path root;
    private final Path usersDir;
    private final Ledger ledger;
    private final Consumer<String> warnings;
    private volatile Duration uploadTtl = Duration.ofDays(7);
    private volatile long lastSweepMillis = System.currentTimeMillis();

    StoreSweeper(LocalBlobStore store, Path root, Path usersDir, Ledger ledger, Consumer<String> warnings) {
        this.store = store;
        this.root = root;
        this.usersDir = usersDir;
        this.ledger = ledger;
        this.warnings = warnings;
    }

    void uploadTtl(Duration ttl) {
        this.uploadTtl = ttl;
    }

    /** Whether the periodic sweep of expired uploads is due. */
    boolean expirySweepDue() {
        return System.currentTimeMillis() - lastSweepMillis >= SWEEP_EVERY_MILLIS;
    }

    /** Deletes every unfinished upload untouched for longer than the upload lifetime. */
    void sweepExpired() {
        lastSweepMillis = System.currentTimeMillis();
        long oldest = System.currentTimeMillis() - uploadTtl.toMillis();
        for (UserSpace space : store.spaces()) {
            for (Ledger.Entry promise : List.copyOf(space.promises.values())) {
                if (promise.touchedMillis() < oldest) {
                    try {
                        space.lock.lock();
                        try {
                            if (space.promises.get(promise.key) == promise && promise.touchedMillis() < oldest) {
                                store.deleteUnfinished(space.user, promise.key);
                                warnings.accept("Deleted the unfinished upload of \"" + promise.key + "\" by "
                                        + space.user + ": untouched for longer than " + uploadTtl + ".");
                            }
                        } finally {
                            space.lock.unlock();
                        }
                    } catch (IOException e) {
                        warnings.accept("Could not delete the expired upload of \"" + promise.key + "\": " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * Walks every user folder once: removes crash leftovers and expired uploads, finishes a
     * replacement a crash interrupted between its two renames, and records every unfinished upload's
     * promise.
     */
    void sweepAtStart() throws IOException {
        for (String leftover : new String[] {"accounts.json.tmp", "server.secret.tmp"}) {
            Files.deleteIfExists(root.resolve(leftover));
        }
        long oldest = System.currentTimeMillis() - uploadTtl.toMillis();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(usersDir)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path nameFile = dir.resolve("name");
                Files.deleteIfExists(dir.resolve("name.tmp"));
                if (!Files.isRegularFile(nameFile, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String user = Files.readString(nameFile, StandardCharsets.UTF_8);
                if (!dir.getFileName().toString().equals(StorageNames.encode(user))) {
                    warnings.accept("Skipped " + dir + ": its name file does not match the folder.");
                    continue;
                }
                UserSpace space = store.space(user);
                space.lock.lock();
                try {
                    sweep(space, oldest);
                } finally {
                    space.lock.unlock();
                }
            }
        }
    }

    /** The start-up sweep of one user's folders; caller holds the user's lock. */
    private void sweep(UserSpace space, long oldestMillis) throws IOException {
        Publication.finishInterrupted(space);
        String meta = UserSpace.META;
        String blob = UserSpace.BLOB;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(space.files)) {
            for (Path f : all) {
                String n = f.getFileName().toString();
                if (n.endsWith(meta) && !Files.exists(space.blob(n.substring(0, n.length() - meta.length())))) {
                    Files.deleteIfExists(f); // left by a crash inside a FILE DELETE
                } else if (n.endsWith(blob) && !Files.exists(space.meta(n.substring(0, n.length() - blob.length())))) {
                    Files.deleteIfExists(f); // no metadata: never listed nor readable, only taking space
                }
            }
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(space.dataDir, "*.tmp")) {
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(space.uploadsDir)) {
            for (Path f : all) {
                String n = f.getFileName().toString();
                if (n.endsWith(".part")) {
                    if (!Files.exists(space.uploadsDir.resolve(n.substring(0, n.length() - 5) + ".journal"))) {
                        Files.deleteIfExists(f);
                    }
                } else if (n.endsWith(".journal")) {
                    sweepJournal(space, f, n.substring(0, n.length() - 8), oldestMillis);
                } else {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void sweepJournal(UserSpace space, Path journal, String name, long oldestMillis) throws IOException {
        Path part = space.part(name);
        long touched = Math.max(Files.getLastModifiedTime(journal).toMillis(),
                Files.exists(part) ? Files.getLastModifiedTime(part).toMillis() : 0);
        UploadJournal.Held held;
        try {
            held = UploadJournal.count(journal);
        } catch (IOException | RuntimeException e) {
            held = null;
        }
        String key = held == null ? null : held.plan().key();
        if (key == null || !StorageNames.encode(key).equals(name) || !Files.exists(part)) {
            warnings.accept("Removed the damaged unfinished upload " + journal + ".");
            Files.deleteIfExists(journal);
            Files.deleteIfExists(part);
            return;
        }
        if (touched < oldestMillis) {
            Files.deleteIfExists(journal);
            Files.deleteIfExists(part);
            warnings.accept("Deleted the unfinished upload of \"" + key + "\" by " + space.user
                    + ": untouched for longer than " + uploadTtl + ".");
            return;
        }
        long size = held.plan().size();
        int blockSize = held.plan().blockSize();
        long received = Math.min(held.entries(), Blocks.totalBlocks(size, blockSize)) * blockSize;
        Ledger.Entry old = space.promises.put(key, ledger.open(key, size, blockSize, received, touched));
        if (old != null) {
            old.close();
        }
    }
}
