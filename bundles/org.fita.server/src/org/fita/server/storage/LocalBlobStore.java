package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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

    /** Unfinished uploads one user may have at once (each holds two files and a small record). */
    static final int MAX_UNFINISHED_PER_USER = 1000;
    /** How often the periodic housekeeping looks for expired uploads. */
    private static final long SWEEP_EVERY_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private final Path root;
    private final Path usersDir;
    private final Consumer<String> warnings;
    private final Ledger ledger = new Ledger();
    private volatile Duration uploadTtl = Duration.ofDays(7);
    private volatile Quotas quotas = Quotas.NONE;
    private volatile LongSupplier usableSpace;
    private volatile long lastSweepMillis = System.currentTimeMillis();
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
        this.root = root;
        this.usersDir = PrivateFiles.createDirectories(root.resolve("users"));
        this.warnings = warnings;
        this.usableSpace = () -> {
            try {
                return Files.getFileStore(usersDir).getUsableSpace();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        };
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.hashers = java.util.concurrent.Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "fita-md5-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sets how long an unfinished upload may stay untouched before it is deleted, and the users'
     * quotas; then sweeps the storage once: removes what a crash left behind (temporary files,
     * metadata without a file, a part without its journal) and every expired upload, and learns what
     * the unfinished uploads promise.
     */
    public void configure(Duration uploadTtl, Quotas quotas) throws IOException {
        this.uploadTtl = uploadTtl;
        this.quotas = quotas;
        sweepAtStart();
    }

    /** For tests: where the free-space figure comes from. */
    void usableSpace(LongSupplier usableSpace) {
        this.usableSpace = usableSpace;
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
        try {
            space.ensureDirectories();
        } catch (IOException e) {
            throw DiskErrors.classify(e, "creating the folders of \"" + user + "\"");
        }
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
        FileChannel channel = PrivateFiles.open(space.blob(StorageNames.encode(file.key())), StandardOpenOption.READ);
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
            StoredFile removed = space.index().remove(key);
            if (removed == null) {
                return false;
            }
            space.storedBytes -= removed.size();
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
            Ledger.Entry promise = space.promises.remove(key);
            if (promise != null) {
                promise.close();
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
    public UploadSession beginUpload(String user, String key, long size, int blockSize, boolean resume,
            boolean replace) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            if (resume) {
                Optional<UploadSession> existing = findUpload(user, key);
                if (existing.isPresent() && existing.get().size() == size && existing.get().blockSize() == blockSize) {
                    ((LocalUpload) existing.get()).promise().touch();
                    return existing.get();
                }
            }
            // A refused plan changes nothing: an unfinished upload of the key it would reset stays.
            // Its promise does not count against the plan that would replace it.
            Ledger.Entry old = space.promises.get(key);
            int others = space.promises.size() - (old == null ? 0 : 1);
            if (others >= MAX_UNFINISHED_PER_USER) {
                throw new QuotaExceededException("\"" + user + "\" has " + others
                        + " unfinished uploads, the most this server keeps for one user. Finish or delete some"
                        + " (FILE DELETE) first.");
            }
            long limit = quotas.limitFor(user);
            if (limit != Quotas.UNLIMITED) {
                long used = space.storedBytes() + space.promisedBytes() - (old == null ? 0 : old.size);
                if (used + size > limit || used + size < 0) {
                    throw new QuotaExceededException(user, used, limit, size);
                }
            }
            String name = StorageNames.encode(key);
            Path part = space.part(name);
            Path journal = space.journal(name);
            Ledger.Entry promise;
            // One plan at a time checks the disk and makes its promise, so two cannot share the same free bytes.
            synchronized (ledger) {
                long usable = usableSpace.getAsLong();
                long promised = ledger.outstanding() - (old == null ? 0 : old.remaining());
                if (size > usable - promised) {
                    throw new InsufficientStorageException("The server has " + usable + " bytes free, of which "
                            + promised + " are promised to unfinished uploads; \"" + key + "\" needs " + size
                            + ". Free some space on the server, wait for uploads to finish, or upload a smaller file.",
                            null);
                }
                deleteUnfinished(user, key);
                promise = ledger.open(key, size, blockSize, 0, System.currentTimeMillis());
            }
            try {
                try (FileChannel file = PrivateFiles.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    if (size > 0) {
                        file.write(ByteBuffer.allocate(1), size - 1);
                    }
                }
                PrivateFiles.write(journal, LocalUpload.journalHeader(key, size, blockSize, replace)
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                promise.close();
                Files.deleteIfExists(part);
                Files.deleteIfExists(journal);
                throw DiskErrors.classify(e, "creating the upload of \"" + key + "\"");
            }
            space.promises.put(key, promise);
            LocalUpload upload = new LocalUpload(space, uploadServices(), key, name, size, blockSize, new BlockRuns(),
                    part, journal, promise);
            space.uploads.put(key, upload);
            return upload;
        }
    }

    @Override
    public Usage usage(String user) throws IOException {
        UserSpace space = space(user);
        synchronized (space) {
            return new Usage(space.storedBytes(), space.promisedBytes(), quotas.limitFor(user));
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
            // Two passes, so that memory holds only the block map, never a list of every journal line.
            long entries = 0;
            long durable = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                // A line cut short by a crash has no newline; readLine still returns it, so check it parses.
                if (line.startsWith("sync ") && isDecimal(line.substring(5))) {
                    durable = Math.max(durable, Long.parseLong(line.substring(5)));
                } else if (isDecimal(line)) {
                    entries++;
                }
            }
            String bootId = plan.string("boot_id").orElse("");
            boolean sameBoot = bootId.equals(BootId.current()) || BootId.current().isEmpty();
            long trusted = sameBoot ? entries : Math.min(durable, entries);
            if (trusted < entries) {
                warnings.accept("The machine restarted during the upload of \"" + key + "\": " + (entries - trusted)
                        + " of its blocks may not have reached the disk and will be asked for again.");
            }
            BlockRuns received = new BlockRuns();
            try (BufferedReader again = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
                again.readLine();
                long seen = 0;
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
            Ledger.Entry promise = space.promises.get(key);
            if (promise == null || promise.size != size || promise.blockSize != blockSize) {
                if (promise != null) {
                    promise.close();
                }
                promise = ledger.open(key, size, blockSize, received.count() * blockSize,
                        Files.getLastModifiedTime(journal).toMillis());
                space.promises.put(key, promise);
            }
            return new LocalUpload(space, uploadServices(), key, name, size, blockSize, received, part, journal, promise);
        } catch (IOException | RuntimeException e) {
            warnings.accept("The unfinished upload of \"" + key + "\" could not be restored (" + e.getMessage()
                    + "); it was removed and must be uploaded again.");
            Files.deleteIfExists(journal);
            Files.deleteIfExists(part);
            Ledger.Entry promise = space.promises.remove(key);
            if (promise != null) {
                promise.close();
            }
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
            try {
                Files.deleteIfExists(part);
                PrivateFiles.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            } catch (IOException e) {
                throw DiskErrors.classify(e, "storing the empty file \"" + key + "\"");
            }
            LocalUpload empty = new LocalUpload(space, uploadServices(), key, name, 0, Blocks.CLASSIC_BLOCK_SIZE,
                    new BlockRuns(), part, space.journal(name), ledger.open(key, 0, Blocks.CLASSIC_BLOCK_SIZE, 0, 0));
            return space.publish(empty, MD5_OF_NOTHING, false);
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
            byte[] bytes = StepJson.toText(record).getBytes(StandardCharsets.US_ASCII);
            long limit = quotas.limitFor(user);
            if (limit != Quotas.UNLIMITED) {
                long used = space.storedBytes() + space.promisedBytes();
                if (used + bytes.length > limit) {
                    throw new QuotaExceededException(user, used, limit, bytes.length);
                }
            }
            writeAtomically(target, bytes, "saving DATA \"" + key + "\"");
            if (space.dataBytes >= 0) {
                space.dataBytes += bytes.length;
            }
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
            Path target = space.data(StorageNames.encode(key));
            long size;
            try {
                size = Files.size(target);
            } catch (NoSuchFileException e) {
                return false;
            }
            space.storedBytes(); // counts the records first, so this one is subtracted from a known total
            boolean deleted = Files.deleteIfExists(target);
            if (deleted) {
                space.dataBytes -= size;
            }
            return deleted;
        }
    }

    /**
     * The server calls this now and then: drops uploads idle for a minute from memory (their state
     * is on disk), frees idle buffers, deletes uploads untouched for longer than the upload lifetime
     * (every ten minutes), and keeps the log files private (rotation makes new ones).
     */
    public void housekeeping() {
        closeIdleFiles();
        if (System.currentTimeMillis() - lastSweepMillis >= SWEEP_EVERY_MILLIS) {
            sweepExpired();
        }
        Path log = root.resolve("log");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(log)) {
            for (Path f : files) {
                PrivateFiles.restrict(f);
            }
        } catch (IOException e) {
            // No log folder (a store used on its own) or it went away: nothing to tighten.
        }
    }

    /** Drops uploads idle for a minute from memory, and frees idle buffers. */
    public void closeIdleFiles() {
        closeIdleFiles(IDLE_CLOSE_NANOS);
    }

    void closeIdleFiles(long idleNanos) {
        for (UserSpace space : users.values()) {
            for (LocalUpload upload : space.uploads.values()) {
                if (upload.evictIfIdle(idleNanos)) {
                    space.uploads.remove(upload.key(), upload);
                }
            }
        }
        buffers.dropFreeIfIdle(idleNanos);
    }

    long ledgerOutstanding() {
        return ledger.outstanding();
    }

    /** Uploads in memory now, for tests. */
    int uploadsInMemory() {
        return users.values().stream().mapToInt(s -> s.uploads.size()).sum();
    }

    /** Deletes every unfinished upload untouched for longer than the upload lifetime. */
    public void sweepExpired() {
        lastSweepMillis = System.currentTimeMillis();
        long oldest = System.currentTimeMillis() - uploadTtl.toMillis();
        for (UserSpace space : users.values()) {
            for (Ledger.Entry promise : List.copyOf(space.promises.values())) {
                if (promise.touchedMillis() < oldest) {
                    try {
                        synchronized (space) {
                            if (space.promises.get(promise.key) == promise && promise.touchedMillis() < oldest) {
                                deleteUnfinished(space.user, promise.key);
                                warnings.accept("Deleted the unfinished upload of \"" + promise.key + "\" by "
                                        + space.user + ": untouched for longer than " + uploadTtl + ".");
                            }
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
    private void sweepAtStart() throws IOException {
        for (String leftover : new String[] {"accounts.json.tmp", "server.secret.tmp"}) {
            Files.deleteIfExists(root.resolve(leftover));
        }
        long oldest = System.currentTimeMillis() - uploadTtl.toMillis();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(usersDir)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path nameFile = dir.resolve("name");
                Files.deleteIfExists(dir.resolve("name.tmp"));
                if (!Files.isRegularFile(nameFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String user = Files.readString(nameFile, StandardCharsets.UTF_8);
                if (!dir.getFileName().toString().equals(StorageNames.encode(user))) {
                    warnings.accept("Skipped " + dir + ": its name file does not match the folder.");
                    continue;
                }
                UserSpace space = space(user);
                synchronized (space) {
                    space.sweep(oldest);
                }
            }
        }
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
            try (FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
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
        /** Uploads in memory now (idle ones are dropped and restored from their journal on use). */
        final Map<String, LocalUpload> uploads = new ConcurrentHashMap<>();
        /** Every unfinished upload's promise, in memory or not. */
        final Map<String, Ledger.Entry> promises = new ConcurrentHashMap<>();
        /** Bytes of the finished files; valid once the index is loaded. Guarded by this. */
        long storedBytes;
        /** Bytes of the DATA records; -1 until counted. Guarded by this. */
        long dataBytes = -1;
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
                    PrivateFiles.createDirectories(files);
                    PrivateFiles.createDirectories(uploadsDir);
                    PrivateFiles.createDirectories(dataDir);
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
                    storedBytes = loaded.values().stream().mapToLong(StoredFile::size).sum();
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

        Path metaNext(String name) {
            return files.resolve(name + META + ".next");
        }

        /** Bytes of finished files and DATA records. Caller holds this. */
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
            return promises.values().stream().mapToLong(p -> p.size).sum();
        }

        /** The instance that took over from an evicted upload, restored from its journal; null if it is gone. */
        LocalUpload reloaded(LocalUpload evicted) throws IOException {
            synchronized (this) {
                // The eviction may not have taken it out of the map yet.
                uploads.remove(evicted.key(), evicted);
            }
            Optional<UploadSession> now = findUpload(user, evicted.key());
            return now.isPresent() && now.get() != evicted ? (LocalUpload) now.get() : null;
        }

        /**
         * Moves a verified upload into place, replacing any finished file of the same key: the new
         * metadata is written beside the old as {@code .meta.next}, the bytes are renamed over the old
         * file, then the metadata over the old metadata. A crash between the renames is finished at
         * the next start (the part file is gone exactly when the bytes were renamed).
         */
        StoredFile publish(LocalUpload upload, String md5, boolean mustBeCurrent) throws IOException {
            synchronized (this) {
                if (mustBeCurrent && uploads.get(upload.key()) != upload) {
                    throw new UploadRestartedException(upload.key()); // deleted or planned anew while it completed
                }
                StoredFile stored = new StoredFile(upload.key(), upload.size(), md5, System.currentTimeMillis());
                JsonObject meta = new JsonObject();
                meta.addProperty("key", stored.key());
                meta.addProperty("size", stored.size());
                meta.addProperty("md5", stored.md5());
                meta.addProperty("modified", stored.modified());
                String name = upload.name();
                writeAtomically(metaNext(name), StepJson.encode(meta), "finishing \"" + upload.key() + "\"");
                try {
                    moveAtomically(upload.partPath(), blob(name));
                } catch (IOException e) {
                    Files.deleteIfExists(metaNext(name));
                    throw DiskErrors.classify(e, "finishing \"" + upload.key() + "\"");
                }
                moveAtomically(metaNext(name), meta(name));
                syncDirectory(files);
                Files.deleteIfExists(upload.journalPath());
                uploads.remove(upload.key(), upload);
                Ledger.Entry promise = promises.remove(upload.key());
                if (promise != null) {
                    promise.close();
                }
                upload.promise().close();
                StoredFile old = index().put(stored.key(), stored);
                storedBytes += stored.size() - (old == null ? 0 : old.size());
                return stored;
            }
        }

        /** The start-up sweep of this user's folders; caller holds this. */
        void sweep(long oldestMillis) throws IOException {
            try (DirectoryStream<Path> all = Files.newDirectoryStream(files)) {
                for (Path f : all) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".tmp")) {
                        Files.deleteIfExists(f);
                    } else if (n.endsWith(META + ".next")) {
                        String name = n.substring(0, n.length() - (META + ".next").length());
                        if (Files.exists(part(name), java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.exists(blob(name))) {
                            Files.deleteIfExists(f); // the bytes were not renamed: the old file stands
                        } else {
                            moveAtomically(f, meta(name)); // the bytes were renamed: finish with their metadata
                        }
                    }
                }
            }
            try (DirectoryStream<Path> all = Files.newDirectoryStream(files)) {
                for (Path f : all) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(META) && !Files.exists(blob(n.substring(0, n.length() - META.length())))) {
                        Files.deleteIfExists(f); // left by a crash inside a FILE DELETE
                    } else if (n.endsWith(BLOB) && !Files.exists(meta(n.substring(0, n.length() - BLOB.length())))) {
                        Files.deleteIfExists(f); // no metadata: never listed nor readable, only taking space
                    }
                }
            }
            try (DirectoryStream<Path> all = Files.newDirectoryStream(dataDir, "*.tmp")) {
                for (Path f : all) {
                    Files.deleteIfExists(f);
                }
            }
            try (DirectoryStream<Path> all = Files.newDirectoryStream(uploadsDir)) {
                for (Path f : all) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".part")) {
                        if (!Files.exists(uploadsDir.resolve(n.substring(0, n.length() - 5) + ".journal"))) {
                            Files.deleteIfExists(f);
                        }
                    } else if (n.endsWith(".journal")) {
                        sweepJournal(f, n.substring(0, n.length() - 8), oldestMillis);
                    } else {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }

        private void sweepJournal(Path journal, String name, long oldestMillis) throws IOException {
            Path part = part(name);
            long touched = Math.max(Files.getLastModifiedTime(journal).toMillis(),
                    Files.exists(part) ? Files.getLastModifiedTime(part).toMillis() : 0);
            String key = null;
            long size = -1;
            int blockSize = 0;
            long lines = 0;
            try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
                String header = reader.readLine();
                StepMessage plan = new StepMessage(StepJson.parse(header == null ? "" : header).getAsJsonObject());
                key = plan.string("key").orElseThrow();
                size = plan.integer("size").orElseThrow();
                blockSize = (int) plan.integer("block_size").orElseThrow();
                String line;
                while ((line = reader.readLine()) != null) {
                    if (isDecimal(line)) {
                        lines++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                key = null;
            }
            if (key == null || !StorageNames.encode(key).equals(name) || !Files.exists(part)) {
                warnings.accept("Removed the damaged unfinished upload " + journal + ".");
                Files.deleteIfExists(journal);
                Files.deleteIfExists(part);
                return;
            }
            if (touched < oldestMillis) {
                Files.deleteIfExists(journal);
                Files.deleteIfExists(part);
                warnings.accept("Deleted the unfinished upload of \"" + key + "\" by " + user
                        + ": untouched for longer than " + uploadTtl + ".");
                return;
            }
            long received = Math.min(lines, Blocks.totalBlocks(size, blockSize)) * blockSize;
            Ledger.Entry old = promises.put(key, ledger.open(key, size, blockSize, received, touched));
            if (old != null) {
                old.close();
            }
        }
    }
}
