package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.fita.protocol.Blocks;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.StepJson;

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
 *
 * <p>The parts: {@link UserSpace} (one user's folders and index), {@link LocalUpload} (an
 * unfinished upload), {@link Publication} (moving a verified upload into place, replacing),
 * {@link Reservations} (quotas and free-space promises), {@link StoreSweeper} (crash leftovers and
 * expiry) and {@link UploadJournal} (the journal format). Lock order: a user's lock
 * ({@link UserSpace#lock}), then the reservation lock, then an upload's locks.
 */
public final class LocalBlobStore implements BlobStore {
    private static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String MD5_OF_NOTHING = "d41d8cd98f00b204e9800998ecf8427e";

    private final Path root;
    private final Path usersDir;
    private final Consumer<String> warnings;
    private final Reservations reservations;
    private final StoreSweeper sweeper;
    private final Map<String, UserSpace> users = new ConcurrentHashMap<>();
    private final ExecutorService hashers;
    private final BlockBuffers buffers;
    private final boolean directIo;
    private volatile boolean closed;
    /** Users and keys (user NUL key) of inline files being stored now: one at a time per key. */
    private final Set<String> inlineInProgress = ConcurrentHashMap.newKeySet();
    private final GroupCommit groupCommit = new GroupCommit();

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
        // Found once: finding a file store reads the mount table, which cost milliseconds under the
        // reservation lock on every plan; asking it for its free space is one statvfs.
        FileStore disk = Files.getFileStore(usersDir);
        this.reservations = new Reservations(() -> {
            try {
                return disk.getUsableSpace();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        });
        this.sweeper = new StoreSweeper(this, root, usersDir, reservations.ledger(), warnings);
        AtomicInteger n = new AtomicInteger();
        this.hashers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
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
        sweeper.uploadTtl(uploadTtl);
        reservations.quotas(quotas);
        sweeper.sweepAtStart();
    }

    /** For tests: where the free-space figure comes from. */
    void usableSpace(LongSupplier usableSpace) {
        reservations.usableSpace(usableSpace);
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

    UserSpace space(String user) throws IOException {
        if (closed) {
            throw new StorageException("The server is shutting down.");
        }
        UserSpace space = users.computeIfAbsent(user, u -> new UserSpace(this, usersDir, u, warnings));
        try {
            space.ensureDirectories();
        } catch (IOException e) {
            throw DiskErrors.classify(e, "creating the folders of \"" + user + "\"");
        }
        return space;
    }

    Collection<UserSpace> spaces() {
        return users.values();
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
        Path blob = space.blob(StorageNames.encode(file.key()));
        FileChannel channel = PrivateFiles.open(blob, StandardOpenOption.READ);
        boolean directWanted = directIo && file.size() >= DirectReads.MIN_FILE_SIZE && PartFile.DIRECT_OPTION != null;
        return new BlobReader() {
            private DirectReads direct;

            @Override
            public int read(long offset, ByteBuffer dst) throws IOException {
                if (directWanted && DirectReads.suits(offset, dst)) {
                    if (direct == null) {
                        direct = DirectReads.open(blob, channel);
                    }
                    return direct.read(offset, dst);
                }
                return DirectReads.readFully(channel, offset, dst);
            }

            @Override
            public void close() throws IOException {
                if (direct != null) {
                    direct.close();
                }
                channel.close();
            }
        };
    }

    @Override
    public boolean deleteFile(String user, String key) throws IOException {
        UserSpace space = space(user);
        space.lock.lock();
        try {
            StoredFile removed = space.index().remove(key);
            if (removed == null) {
                return false;
            }
            space.storedBytes -= removed.size();
            String name = StorageNames.encode(key);
            Files.deleteIfExists(space.blob(name));
            Files.deleteIfExists(space.meta(name));
            return true;
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public boolean deleteUnfinished(String user, String key) throws IOException {
        UserSpace space = space(user);
        space.lock.lock();
        try {
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
        } finally {
            space.lock.unlock();
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
        space.lock.lock();
        try {
            if (resume) {
                Optional<UploadSession> existing = findUpload(user, key);
                if (existing.isPresent() && existing.get().size() == size && existing.get().blockSize() == blockSize) {
                    ((LocalUpload) existing.get()).promise().touch();
                    return existing.get();
                }
            }
            // A refused plan changes nothing: an unfinished upload of the key it would reset stays.
            Ledger.Entry promise = reservations.reservePlan(space, key, size, blockSize,
                    () -> deleteUnfinished(user, key));
            String name = StorageNames.encode(key);
            Path part = space.part(name);
            Path journal = space.journal(name);
            try {
                try (FileChannel file = PrivateFiles.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    if (size > 0) {
                        file.write(ByteBuffer.allocate(1), size - 1);
                    }
                }
                PrivateFiles.write(journal, UploadJournal.header(key, size, blockSize, replace)
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
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public Usage usage(String user) throws IOException {
        UserSpace space = space(user);
        space.lock.lock();
        try {
            return reservations.usage(space);
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public Optional<UploadSession> findUpload(String user, String key) throws IOException {
        UserSpace space = space(user);
        LocalUpload open = space.uploads.get(key);
        if (open != null) {
            return Optional.of(open);
        }
        space.lock.lock();
        try {
            open = space.uploads.get(key);
            if (open != null) {
                return Optional.of(open);
            }
            LocalUpload restored = restore(space, key);
            if (restored != null) {
                space.uploads.put(key, restored);
            }
            return Optional.ofNullable(restored);
        } finally {
            space.lock.unlock();
        }
    }

    /** Rebuilds an upload from its journal after a restart; damaged state is set aside. Caller holds the user's lock. */
    private LocalUpload restore(UserSpace space, String key) throws IOException {
        String name = StorageNames.encode(key);
        Path journal = space.journal(name);
        Path part = space.part(name);
        if (!Files.exists(journal)) {
            return null;
        }
        try {
            UploadJournal.Held held = UploadJournal.read(journal);
            long size = held.plan().size();
            int blockSize = held.plan().blockSize();
            if (!key.equals(held.plan().key()) || !Files.exists(part) || Files.size(part) != size) {
                throw new IOException("the journal does not match its part file");
            }
            if (held.trusted() < held.entries()) {
                warnings.accept("The machine restarted during the upload of \"" + key + "\": "
                        + (held.entries() - held.trusted())
                        + " of its blocks may not have reached the disk and will be asked for again.");
            }
            BlockRuns received = held.received();
            Ledger.Entry promise = space.promises.get(key);
            if (promise == null || promise.size != size || promise.blockSize != blockSize) {
                if (promise != null) {
                    promise.close();
                }
                promise = reservations.ledger().open(key, size, blockSize, received.count() * blockSize,
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

    @Override
    public StoredFile storeEmpty(String user, String key) throws IOException {
        UserSpace space = space(user);
        space.lock.lock();
        try {
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
                    new BlockRuns(), part, space.journal(name),
                    reservations.ledger().open(key, 0, Blocks.CLASSIC_BLOCK_SIZE, 0, 0));
            return Publication.publish(space, empty, MD5_OF_NOTHING, false);
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public InlineResult storeInline(String user, String key, InputStream data, long size, String md5, boolean replace)
            throws IOException {
        UserSpace space = space(user);
        String name = StorageNames.encode(key);
        String storing = user + '\0' + key;
        Ledger.Entry promise;
        space.lock.lock();
        try {
            if (!replace && space.index().containsKey(key) || !inlineInProgress.add(storing)) {
                return new InlineResult(InlineOutcome.EXISTS, null);
            }
            try {
                promise = reservations.reservePlan(space, key, size, Blocks.CLASSIC_BLOCK_SIZE,
                        () -> deleteUnfinished(user, key));
                // Files stored at once each count against the quota, so that together they cannot pass it.
                space.inlineBytes += size;
            } catch (IOException | RuntimeException e) {
                inlineInProgress.remove(storing);
                throw e;
            }
        } finally {
            space.lock.unlock();
        }
        Path bytes = space.inlineData(name);
        Path metaNext = space.metaNext(name);
        boolean stored = false;
        try {
            String actual = InlineFiles.write(bytes, data, size, "storing \"" + key + "\"");
            if (!actual.equals(md5)) {
                return new InlineResult(InlineOutcome.MD5_MISMATCH, null);
            }
            StoredFile file = new StoredFile(key, size, md5, System.currentTimeMillis());
            InlineFiles.writeMeta(metaNext, file, "storing \"" + key + "\"");
            groupCommit.publish(new GroupCommit.Item() {
                @Override
                void rename() throws IOException {
                    space.lock.lock();
                    try {
                        DurableFiles.moveAtomically(bytes, space.blob(name));
                        DurableFiles.moveAtomically(metaNext, space.meta(name));
                    } finally {
                        space.lock.unlock();
                    }
                }

                @Override
                List<Path> folders() {
                    return List.of(space.files);
                }

                @Override
                void published() throws IOException {
                    space.lock.lock();
                    try {
                        space.indexed(file);
                    } finally {
                        space.lock.unlock();
                    }
                }
            });
            stored = true;
            return new InlineResult(InlineOutcome.STORED, file);
        } finally {
            promise.close();
            space.lock.lock();
            try {
                space.inlineBytes -= size;
            } finally {
                space.lock.unlock();
            }
            if (!stored) {
                Files.deleteIfExists(bytes);
                Files.deleteIfExists(metaNext);
            }
            inlineInProgress.remove(storing);
        }
    }

    /** Rounds of the inline files' group commit so far, for tests. */
    long groupCommitRounds() {
        return groupCommit.rounds();
    }

    @Override
    public boolean saveData(String user, String key, JsonObject record) throws IOException {
        UserSpace space = space(user);
        Path target = space.data(StorageNames.encode(key));
        space.lock.lock();
        try {
            if (Files.exists(target)) {
                return false;
            }
            byte[] bytes = StepJson.toText(record).getBytes(StandardCharsets.US_ASCII);
            reservations.checkData(space, bytes.length);
            DurableFiles.writeAtomically(target, bytes, "saving DATA \"" + key + "\"");
            if (space.dataBytes >= 0) {
                space.dataBytes += bytes.length;
            }
            return true;
        } finally {
            space.lock.unlock();
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
        space.lock.lock();
        try {
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
        } finally {
            space.lock.unlock();
        }
    }

    /**
     * The server calls this now and then: drops uploads idle for a minute from memory (their state
     * is on disk), frees idle buffers, deletes uploads untouched for longer than the upload lifetime
     * (every ten minutes), and keeps the log files private (rotation makes new ones).
     */
    public void housekeeping() {
        closeIdleFiles();
        if (sweeper.expirySweepDue()) {
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
        return reservations.ledger().outstanding();
    }

    /** Uploads in memory now, for tests. */
    int uploadsInMemory() {
        return users.values().stream().mapToInt(s -> s.uploads.size()).sum();
    }

    /** Deletes every unfinished upload untouched for longer than the upload lifetime. */
    public void sweepExpired() {
        sweeper.sweepExpired();
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
}
