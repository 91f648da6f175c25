package org.fita.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;

/**
 * One user's folders, finished-file index and open uploads.
 *
 * <p>{@link #lock} (a {@link ReentrantLock}: file I/O happens under it) guards the changes of this
 * user's files and of the counters below: plans, deletes, publication, DATA records and the sweeps.
 * It comes before any upload's locks: an upload never holds one of its own locks when it takes it,
 * and it may call into an upload (abandon) while holding it. The maps are concurrent, so lookups
 * need no lock.
 */
final class UserSpace {
    static final String BLOB = ".blob";
    static final String META = ".meta";
    static final String INLINE_TMP = ".inline.tmp";

    final ReentrantLock lock = new ReentrantLock();
    final String user;
    private final LocalBlobStore store;
    private final Consumer<String> warnings;
    private final Path dir;
    final Path files;
    final Path uploadsDir;
    final Path dataDir;
    /** Uploads in memory now (idle ones are dropped and restored from their journal on use). */
    final Map<String, LocalUpload> uploads = new ConcurrentHashMap<>();
    /** Every unfinished upload's promise, in memory or not. */
    final Map<String, Ledger.Entry> promises = new ConcurrentHashMap<>();
    /** Bytes of inline files being stored now, counted against the quota until they are stored; under {@link #lock}. */
    volatile long inlineBytes;
    /** Bytes of the finished files; valid once the index is loaded. Guarded by lock. */
    long storedBytes;
    /** Bytes of the DATA records; -1 until counted. Guarded by lock. */
    long dataBytes = -1;
    private volatile ConcurrentSkipListMap<String, StoredFile> index;
    private volatile boolean ready;

    UserSpace(LocalBlobStore store, Path usersDir, String user, Consumer<String> warnings) {
        this.store = store;
        this.user = user;
        this.warnings = warnings;
        this.dir = usersDir.resolve(StorageNames.encode(user));
        this.files = dir.resolve("files");
        this.uploadsDir = dir.resolve("uploads");
        this.dataDir = dir.resolve("data");
    }

    void ensureDirectories() throws IOException {
        if (ready) {
            return;
        }
        lock.lock();
        try {
            if (!ready) {
                PrivateFiles.createDirectories(files);
                PrivateFiles.createDirectories(uploadsDir);
                PrivateFiles.createDirectories(dataDir);
                Path nameFile = dir.resolve("name");
                if (!Files.exists(nameFile)) {
                    DurableFiles.writeAtomically(nameFile, user.getBytes(StandardCharsets.UTF_8),
                            "creating the user folder");
                }
                ready = true;
            }
        } finally {
            lock.unlock();
        }
    }

    Path blob(String name) {
        return files.resolve(name + BLOB);
    }

    Path meta(String name) {
        return files.resolve(name + META);
    }

    Path metaNext(String name) {
        return files.resolve(name + META + ".next");
    }

    Path part(String name) {
        return uploadsDir.resolve(name + ".part");
    }

    Path journal(String name) {
        return uploadsDir.resolve(name + ".journal");
    }

    /** The bytes of a file sent inline, until they are renamed to {@link #blob}; swept at start. */
    Path inlineData(String name) {
        return files.resolve(name + INLINE_TMP);
    }

    Path data(String name) {
        return dataDir.resolve(name + ".json");
    }

    /** The finished files by key, read from the metadata files on first use. */
    NavigableMap<String, StoredFile> index() throws IOException {
        ConcurrentSkipListMap<String, StoredFile> current = index;
        if (current != null) {
            return current;
        }
        lock.lock();
        try {
            if (index == null) {
                ConcurrentSkipListMap<String, StoredFile> loaded = new ConcurrentSkipListMap<>();
                try (DirectoryStream<Path> metas = Files.newDirectoryStream(files, "*" + META)) {
                    for (Path meta : metas) {
                        StoredFile f = readMeta(meta);
                        if (f != null) {
                            loaded.put(f.key(), f);
                        }
                    }
                }
                storedBytes = loaded.values().stream().mapToLong(StoredFile::size).sum();
                index = loaded;
            }
            return index;
        } finally {
            lock.unlock();
        }
    }

    private StoredFile readMeta(Path meta) {
        try {
            StepMessage m = new StepMessage(StepJson.parse(Files.readString(meta, StandardCharsets.UTF_8))
                    .getAsJsonObject());
            String key = m.string("key").orElseThrow();
            String name = StorageNames.encode(key);
            Path blob = blob(name);
            if (!meta.getFileName().toString().equals(name + META) || !Files.exists(blob)) {
                return null; // left by a crash between writing the metadata and the rename
            }
            return new StoredFile(key, Files.size(blob), m.string("md5").orElseThrow(),
                    m.integer("modified").orElse(Files.getLastModifiedTime(blob).toMillis()));
        } catch (IOException | RuntimeException e) {
            warnings.accept("Skipped unreadable file metadata " + meta + ": " + e.getMessage());
            return null;
        }
    }

    /** Bytes of finished files and DATA records. Caller holds lock. */
    long storedBytes() throws IOException {
        index();
        if (dataBytes < 0) {
            long sum = 0;
            try (DirectoryStream<Path> records = Files.newDirectoryStream(dataDir, "*.json")) {
                for (Path r : records) {
                    sum += Files.size(r);
                }
            }
            dataBytes = sum;
        }
        return storedBytes + dataBytes;
    }

    long promisedBytes() {
        return promises.values().stream().mapToLong(p -> p.size).sum() + inlineBytes;
    }

    /** The instance that took over from an evicted upload, restored from its journal; null if it is gone. */
    LocalUpload reloaded(LocalUpload evicted) throws IOException {
        lock.lock();
        try {
            // The eviction may not have taken it out of the map yet.
            uploads.remove(evicted.key(), evicted);
        } finally {
            lock.unlock();
        }
        Optional<UploadSession> now = store.findUpload(user, evicted.key());
        return now.isPresent() && now.get() != evicted ? (LocalUpload) now.get() : null;
    }

    /** Moves a verified upload into place; see {@link Publication#publish}. */
    StoredFile publish(LocalUpload upload, String md5, boolean mustBeCurrent) throws IOException {
        return Publication.publish(this, upload, md5, mustBeCurrent);
    }

    /** Records a finished file in the index and its bytes in the total. Caller holds lock. */
    void indexed(StoredFile stored) throws IOException {
        StoredFile old = index().put(stored.key(), stored);
        storedBytes += stored.size() - (old == null ? 0 : old.size());
    }
}
