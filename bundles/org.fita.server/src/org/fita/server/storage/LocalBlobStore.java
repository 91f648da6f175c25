package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fita.protocol.Blocks;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;

/**
 * The local-disk {@link BlobStore}. Layout under the storage root:
 *
 * <pre>
 * users/&lt;U&gt;/name                 the username, for people reading the disk
 * users/&lt;U&gt;/files/&lt;K&gt;.blob        finished file
 * users/&lt;U&gt;/files/&lt;K&gt;.meta        its key, size, md5 and time (JSON)
 * users/&lt;U&gt;/uploads/&lt;K&gt;.part      unfinished upload, pre-sized
 * users/&lt;U&gt;/uploads/&lt;K&gt;.journal   its plan and held blocks
 * users/&lt;U&gt;/data/&lt;K&gt;.json         DATA record
 * </pre>
 *
 * where U and K are {@link StorageNames encoded} names. A finished file appears by an atomic
 * rename after its bytes and its metadata are on disk, so a crash leaves the old state or the new.
 */
public final class LocalBlobStore implements BlobStore {
    private static final String BLOB = ".blob";
    private static final String META = ".meta";
    private static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String MD5_OF_NOTHING = "d41d8cd98f00b204e9800998ecf8427e";

    private final Path usersDir;
    private final Consumer<String> warnings;
    private final Map<String, UserSpace> users = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService hashers;
    private final BlockBuffers buffers;
    private final boolean directIo;
    private volatile boolean closed;

    /**
     * @param root     the storage root (created if missing)
     * @param warnings where to report damaged state found on disk (it is set aside, not fatal)
     * @param directIo whether large uploads may be written past the page cache (see {@link LocalUpload})
     */
    public LocalBlobStore(Path root, Consumer<String> warnings, boolean directIo) throws IOException {
        this(root, warnings, BlockBuffers.forThisHeap(), directIo);
    }

    LocalBlobStore(Path root, Consumer<String> warnings, BlockBuffers buffers, boolean directIo) throws IOException {
        this.buffers = buffers;
        this.directIo = directIo;
        this.usersDir = Files.createDirectories(root.resolve("users"));
        this.warnings = warnings;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.hashers = java.util.concurrent.Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "fita-md5-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private LocalUpload.Services uploadServices() {
        return new LocalUpload.Services(hashers, buffers, directIo);
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private UserSpace space(String user) throws IOException {
        if (closed) {
            throw new StorageException("The server is shutting down.");
        }
        UserSpace space = users.get(user);
        if (space == null) {
            UserSpace created = new UserSpace(user);
            space = users.putIfAbsent(user, created);
            if (space == null) {
                space = created;
            }
        }
        space.ensureDirectories();
        return space;
    }

    @Override
    public Optional<StoredFile> stat(String user, String key) throws IOException {
        return Optional.ofNullable(space(user).index().get(key));
    }

    @Override
    public boolean hasUnfinished(String user, String key) throws IOException {
        UserSpace space = space(user);
        return space.uploads.containsKey(key) || Files.exists(space.journal(StorageNames.encode(key)));
    }

    @Override
    public BlobReader open(String user, StoredFile file) throws IOException {
        UserSpace space = space(user);
        FileChannel channel = FileChannel.open(space.blob(StorageNames.encode(file.key())), StandardOpenOption.READ);
        return new BlobReader() {
            @Override
            public int read(long offset, ByteBuffer dst) throws IOException {
                int total = 0;
                while (dst.hasRemaining()) {
                    int n = channel.read(dst, offset + total);
                    if (n < 0) {
                        return total == 0 ? -1 : total;
                    }
                    total += n;
                }
                return total;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public boolean deleteFile(String user, String key) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            if (space.index().remove(key) == null) {
                return false;
            }
            String name = StorageNames.encode(key);
            Files.deleteIfExists(space.blob(name));
            Files.deleteIfExists(space.meta(name));
            return true;
        }
    }

    @Override
    public boolean deleteUnfinished(String user, String key) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            String name = StorageNames.encode(key);
            LocalUpload upload = space.uploads.remove(key);
            if (upload != null) {
                upload.abandon();
            }
            boolean journal = Files.deleteIfExists(space.journal(name));
            boolean part = Files.deleteIfExists(space.part(name));
            return upload != null || journal || part;
        }
    }

    @Override
    public ListPage list(String user, String prefix, String after, int limit) throws IOException {
        NavigableMap<String, StoredFile> index = space(user).index();
        String from = after;
        if (prefix != null && !prefix.isEmpty() && (from == null || from.compareTo(prefix) < 0)) {
            from = prefix;
        }
        NavigableMap<String, StoredFile> tail = from == null ? index
                : index.tailMap(from, after == null || !from.equals(after));
        List<StoredFile> page = new ArrayList<>(Math.min(limit, 1024));
        String nextAfter = null;
        for (StoredFile f : tail.values()) {
            if (prefix != null && !f.key().startsWith(prefix)) {
                break;
            }
            if (page.size() == limit) {
                nextAfter = page.get(page.size() - 1).key();
                break;
            }
            page.add(f);
        }
        return new ListPage(page, nextAfter);
    }

    @Override
    public UploadSession beginUpload(String user, String key, long size, int blockSize, boolean resume)
            throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            if (resume) {
                Optional<UploadSession> existing = findUpload(user, key);
                if (existing.isPresent() && existing.get().size() == size && existing.get().blockSize() == blockSize) {
                    return existing.get();
                }
            }
            deleteUnfinished(user, key);
            long usable = Files.getFileStore(usersDir).getUsableSpace();
            if (size > usable) {
                throw new InsufficientStorageException("The server has " + usable + " bytes free, fewer than the "
                        + size + " bytes of \"" + key + "\". Free some space on the server or upload a smaller file.",
                        null);
            }
            String name = StorageNames.encode(key);
            Path part = space.part(name);
            Path journal = space.journal(name);
            try {
                try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
                    file.setLength(size);
                }
                Files.writeString(journal, LocalUpload.journalHeader(key, size, blockSize), StandardCharsets.UTF_8);
            } catch (IOException e) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(journal);
                throw DiskErrors.classify(e, "creating the upload of \"" + key + "\"");
            }
            LocalUpload upload = new LocalUpload(space, uploadServices(), key, name, size, blockSize, new BitSet(), part, journal);
            space.uploads.put(key, upload);
            return upload;
        }
    }

    @Override
    public Optional<UploadSession> findUpload(String user, String key) throws IOException {
        UserSpace space = space(user);
        LocalUpload open = space.uploads.get(key);
        if (open != null) {
            return Optional.of(open);
        }
        synchronized (space) {
            open = space.uploads.get(key);
            if (open != null) {
                return Optional.of(open);
            }
            LocalUpload restored = restore(space, key);
            if (restored != null) {
                space.uploads.put(key, restored);
            }
            return Optional.ofNullable(restored);
        }
    }

    /** Rebuilds an upload from its journal after a restart; damaged state is set aside. */
    private LocalUpload restore(UserSpace space, String key) throws IOException {
        String name = StorageNames.encode(key);
        Path journal = space.journal(name);
        Path part = space.part(name);
        if (!Files.exists(journal)) {
            return null;
        }
        try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            StepMessage plan = new StepMessage(StepJson.parse(header == null ? "" : header).getAsJsonObject());
            long size = plan.integer("size").orElseThrow();
            int blockSize = (int) plan.integer("block_size").orElseThrow();
            if (!key.equals(plan.string("key").orElse(null)) || !Files.exists(part) || Files.size(part) != size) {
                throw new IOException("the journal does not match its part file");
            }
            long total = Blocks.totalBlocks(size, blockSize);
            List<Long> entries = new ArrayList<>();
            long durable = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                // A line cut short by a crash has no newline; readLine still returns it, so check it parses.
                if (line.startsWith("sync ") && isDecimal(line.substring(5))) {
                    durable = Math.max(durable, Long.parseLong(line.substring(5)));
                } else if (isDecimal(line)) {
                    entries.add(Long.parseLong(line));
                }
            }
            String bootId = plan.string("boot_id").orElse("");
            boolean sameBoot = bootId.equals(BootId.current()) || BootId.current().isEmpty();
            int trusted = sameBoot ? entries.size() : (int) Math.min(durable, entries.size());
            if (trusted < entries.size()) {
                warnings.accept("The machine restarted during the upload of \"" + key + "\": " + (entries.size() - trusted)
                        + " of its blocks may not have reached the disk and will be asked for again.");
            }
            BitSet received = new BitSet();
            for (long index : entries.subList(0, trusted)) {
                if (index < total) {
                    received.set((int) index);
                }
            }
            return new LocalUpload(space, uploadServices(), key, name, size, blockSize, received, part, journal);
        } catch (IOException | RuntimeException e) {
            warnings.accept("The unfinished upload of \"" + key + "\" could not be restored (" + e.getMessage()
                    + "); it was removed and must be uploaded again.");
            Files.deleteIfExists(journal);
            Files.deleteIfExists(part);
            return null;
        }
    }

    private static boolean isDecimal(String s) {
        return !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(Character::isDigit);
    }

    @Override
    public StoredFile storeEmpty(String user, String key) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            deleteUnfinished(user, key);
            String name = StorageNames.encode(key);
            Path part = space.part(name);
            Files.deleteIfExists(part);
            Files.createFile(part);
            LocalUpload empty = new LocalUpload(space, uploadServices(), key, name, 0, Blocks.CLASSIC_BLOCK_SIZE, new BitSet(), part,
                    space.journal(name));
            return space.publish(empty, MD5_OF_NOTHING);
        }
    }

    @Override
    public boolean saveData(String user, String key, JsonObject record) throws IOException {
        UserSpace space = space(user);
        Path target = space.data(StorageNames.encode(key));
        synchronized (space) {
            if (Files.exists(target)) {
                return false;
            }
            writeAtomically(target, StepJson.toText(record).getBytes(StandardCharsets.US_ASCII), "saving DATA \"" + key + "\"");
            return true;
        }
    }

    @Override
    public Optional<JsonObject> getData(String user, String key) throws IOException {
        Path target = space(user).data(StorageNames.encode(key));
        String text;
        try {
            text = Files.readString(target, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(StepJson.parse(text).getAsJsonObject());
        } catch (MalformedFrameException | IllegalStateException e) {
            throw new StorageException("The stored DATA record \"" + key + "\" is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteData(String user, String key) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            return Files.deleteIfExists(space.data(StorageNames.encode(key)));
        }
    }

    /** Closes the files of uploads idle for a minute, and frees their buffers; the server calls this now and then. */
    public void closeIdleFiles() {
        for (UserSpace space : users.values()) {
            for (LocalUpload upload : space.uploads.values()) {
                upload.closeIfIdle(IDLE_CLOSE_NANOS);
            }
        }
        buffers.dropFreeIfIdle(IDLE_CLOSE_NANOS);
    }

    @Override
    public void close() {
        closed = true;
        hashers.shutdownNow();
        for (UserSpace space : users.values()) {
            for (LocalUpload upload : space.uploads.values()) {
                upload.abandon();
            }
        }
        users.clear();
    }

    /** Writes a small file so that it appears whole or not at all. */
    static void writeAtomically(Path target, byte[] content, String what) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            moveAtomically(tmp, target);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw DiskErrors.classify(e, what);
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
        }
    }

    /** One user's folders, finished-file index and open uploads. */
    final class UserSpace {
        private final String user;
        private final Path dir;
        private final Path files;
        private final Path uploadsDir;
        private final Path dataDir;
        final Map<String, LocalUpload> uploads = new ConcurrentHashMap<>();
        private volatile ConcurrentSkipListMap<String, StoredFile> index;
        private volatile boolean ready;

        UserSpace(String user) {
            this.user = user;
            this.dir = usersDir.resolve(StorageNames.encode(user));
            this.files = dir.resolve("files");
            this.uploadsDir = dir.resolve("uploads");
            this.dataDir = dir.resolve("data");
        }

        void ensureDirectories() throws IOException {
            if (ready) {
                return;
            }
            synchronized (this) {
                if (!ready) {
                    Files.createDirectories(files);
                    Files.createDirectories(uploadsDir);
                    Files.createDirectories(dataDir);
                    Path nameFile = dir.resolve("name");
                    if (!Files.exists(nameFile)) {
                        writeAtomically(nameFile, user.getBytes(StandardCharsets.UTF_8), "creating the user folder");
                    }
                    ready = true;
                }
            }
        }

        Path blob(String name) {
            return files.resolve(name + BLOB);
        }

        Path meta(String name) {
            return files.resolve(name + META);
        }

        Path part(String name) {
            return uploadsDir.resolve(name + ".part");
        }

        Path journal(String name) {
            return uploadsDir.resolve(name + ".journal");
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
            synchronized (this) {
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
                    index = loaded;
                }
                return index;
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

        /** Moves a verified upload into place: metadata first, then the bytes by atomic rename. */
        StoredFile publish(LocalUpload upload, String md5) throws IOException {
            synchronized (this) {
                StoredFile stored = new StoredFile(upload.key(), upload.size(), md5, System.currentTimeMillis());
                JsonObject meta = new JsonObject();
                meta.addProperty("key", stored.key());
                meta.addProperty("size", stored.size());
                meta.addProperty("md5", stored.md5());
                meta.addProperty("modified", stored.modified());
                String name = upload.name();
                writeAtomically(meta(name), StepJson.encode(meta), "finishing \"" + upload.key() + "\"");
                try {
                    moveAtomically(upload.partPath(), blob(name));
                } catch (FileAlreadyExistsException e) {
                    throw new StorageException("Could not publish \"" + upload.key() + "\": " + e.getMessage(), e);
                }
                syncDirectory(files);
                Files.deleteIfExists(upload.journalPath());
                uploads.remove(upload.key(), upload);
                index().put(stored.key(), stored);
                return stored;
            }
        }
    }
}
