package org.fita.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;

/**
 * An unfinished upload on the local disk: the bytes in {@code <name>.part}, pre-sized to the file's
 * length, and the held blocks in {@code <name>.journal}, one decimal index per line after a JSON
 * header line, with {@code sync N} checkpoints. A block is journaled after its bytes are written, so
 * after a process crash every line is true (the kernel still has the bytes); after the machine
 * itself restarted (another boot id), only the first N lines of the last checkpoint are trusted.
 * A torn last line (a crash mid-append) is ignored on restore.
 *
 * <p>Blocks of distinct indices are written concurrently with positional writes. The MD5 is
 * computed on a hasher thread as the held prefix grows, so completing an upload received in order
 * costs only its last block's hashing, and the bytes are synced to disk as they are hashed.
 *
 * <p>A block is received whole into a buffer from the store's {@link BlockBuffers}, written, and
 * left to the hasher, which feeds the MD5 from that memory; a writer that gets too far ahead of
 * the hasher waits for it briefly. Large uploads write their blocks with direct I/O, past the page
 * cache: storing a file through fresh page-cache pages cost more CPU than hashing it on the machine
 * measured (docs/BENCHMARKS.md), and the bytes of an upload are not read again soon. When no
 * buffer is free, or a block was not kept, the block streams through a small chunk and the hasher
 * reads it back from the file, as it did before.
 */
final class LocalUpload implements UploadSession {
    private static final int CHUNK = 64 * 1024;
    private static final long SYNC_EVERY = 64L << 20;
    /** How far, in bytes of blocks kept in memory, the hasher may trail the writers. */
    private static final long HASH_LAG_BYTES = 32L << 20;
    /** The longest a writer waits for the hasher before leaving its block to be read back instead. */
    private static final long HASH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Direct I/O pays for large sequential uploads; small writes are cheaper through the page cache. */
    private static final long DIRECT_MIN_SIZE = 16L << 20;
    private static final int DIRECT_MIN_BLOCK = 256 << 10;
    private static final ThreadLocal<byte[]> CHUNKS = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    /** EVICTED: closed while idle and dropped from memory; its state is on disk and a new instance takes over. */
    enum State { OPEN, COMPLETED, ABANDONED, EVICTED }

    /**
     * {@code ExtendedOpenOption.DIRECT}, looked up at run time: it lives in the JDK's unsupported
     * module, which an OSGi bundle cannot import; null where the runtime lacks it.
     */
    private static final OpenOption DIRECT_OPTION = directOption();

    private static OpenOption directOption() {
        try {
            Class<?> options = Class.forName("com.sun.nio.file.ExtendedOpenOption", false, ClassLoader.getSystemClassLoader());
            for (Object option : options.getEnumConstants()) {
                if (((Enum<?>) option).name().equals("DIRECT")) {
                    return (OpenOption) option;
                }
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            // No direct I/O on this runtime: every upload writes through the page cache.
        }
        return null;
    }

    private final LocalBlobStore.UserSpace space;
    private final String key;
    private final String name;
    private final long size;
    private final int blockSize;
    private final long totalBlocks;
    private final Path part;
    private final Path journalPath;

    private final Object lock = new Object();
    private final BlockRuns received;
    /** Indices being written now: a second write of one waits until the first is recorded. Bounded by the writers. */
    private final Set<Long> writing = new HashSet<>();
    private final Ledger.Entry promise;
    private State state = State.OPEN;
    private FileChannel data;
    /** The part file opened for direct I/O, or null when this upload writes through the page cache. */
    private FileChannel direct;
    private boolean directWanted;
    private FileChannel journal;
    /** Written blocks whose bytes wait in memory for the hasher, by index. */
    private final Map<Long, ByteBuffer> keptForHashing = new HashMap<>();
    private final BlockBuffers buffers;
    private final long lagBlocks;
    private StoredFile completed;
    private volatile long lastUsedNanos = System.nanoTime();

    private final ReentrantLock hashLock = new ReentrantLock();
    private final AtomicBoolean hashQueued = new AtomicBoolean();
    private final Executor hashers;
    private final MessageDigest md5;
    private volatile long hashedBlocks;
    private long unsyncedBytes;
    /** Block lines in the journal; a sync checkpoint names how many of them are durable. */
    private long journalEntries;

    /** What an upload uses of its store: the hasher threads, the block buffers, whether direct I/O is allowed. */
    record Services(Executor hashers, BlockBuffers buffers, boolean directIo) {
    }

    LocalUpload(LocalBlobStore.UserSpace space, Services services, String key, String name, long size,
            int blockSize, BlockRuns received, Path part, Path journalPath, Ledger.Entry promise) {
        this.space = space;
        this.hashers = services.hashers();
        this.buffers = services.buffers();
        this.lagBlocks = Math.max(2, HASH_LAG_BYTES / Math.max(1, blockSize));
        this.directWanted = services.directIo() && size >= DIRECT_MIN_SIZE && blockSize >= DIRECT_MIN_BLOCK
                && blockSize % BlockBuffers.ALIGNMENT == 0 && DIRECT_OPTION != null;
        this.key = key;
        this.name = name;
        this.size = size;
        this.blockSize = blockSize;
        this.totalBlocks = Blocks.totalBlocks(size, blockSize);
        this.received = received;
        this.promise = promise;
        this.part = part;
        this.journalPath = journalPath;
        this.md5 = LocalBlobStore.newMd5();
    }

    static String journalHeader(String key, long size, int blockSize, boolean replace) {
        com.google.gson.JsonObject h = new com.google.gson.JsonObject();
        h.addProperty("key", key);
        h.addProperty("size", size);
        h.addProperty("block_size", blockSize);
        h.addProperty("boot_id", BootId.current());
        if (replace) {
            h.addProperty("replace", true);
        }
        return org.fita.protocol.StepJson.toText(h) + "\n";
    }

    @Override
    public String key() {
        return key;
    }

    String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long totalBlocks() {
        return totalBlocks;
    }

    @Override
    public byte[] receivedBitmap() {
        synchronized (lock) {
            return received.toBitmap();
        }
    }

    @Override
    public long receivedCount() {
        synchronized (lock) {
            return received.count();
        }
    }

    /** Runs in the block map: what its memory grows with. */
    int receivedRuns() {
        synchronized (lock) {
            return received.runCount();
        }
    }

    Ledger.Entry promise() {
        return promise;
    }

    /** Whether this upload writes its blocks past the page cache (as far as it has found out). */
    boolean usesDirectIo() {
        synchronized (lock) {
            return directWanted;
        }
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    @Override
    public BlockResult writeBlock(long index, InputStream in, int length, Integer expectedCrc32c) throws IOException {
        FileChannel channel = null;
        FileChannel directChannel = null;
        boolean evicted = false;
        synchronized (lock) {
            lastUsedNanos = System.nanoTime();
            // A second copy of a block waits until the first is written and recorded (or failed), so
            // it can never be written twice nor see the upload complete under it.
            while (writing.contains(index) && state == State.OPEN) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for another write of the same block.", e);
                }
            }
            if (state == State.COMPLETED || state == State.OPEN && received.contains(index)) {
                drain(in, length);
                return new BlockResult(BlockResult.Outcome.ALREADY_HELD, null);
            }
            if (state == State.ABANDONED) {
                drain(in, length);
                throw new UploadRestartedException(key);
            }
            evicted = state == State.EVICTED;
            if (!evicted) {
                channel = openChannels();
                directChannel = directWanted ? direct : null;
                writing.add(index);
            }
        }
        if (evicted) {
            // Dropped from memory while idle, just before this block: the upload lives on from its journal.
            // (Not under this lock: restoring takes the user's lock, which is taken before upload locks.)
            LocalUpload current = space.reloaded(this);
            if (current == null) {
                drain(in, length);
                throw new UploadRestartedException(key);
            }
            return current.writeBlock(index, in, length, expectedCrc32c);
        }
        boolean complete;
        try {
            ByteBuffer whole = buffers.take(blockSize);
            boolean crcMatches;
            try {
                crcMatches = whole == null ? copyToDisk(channel, index * blockSize, in, length, expectedCrc32c)
                        : receiveWhole(channel, directChannel, index * blockSize, in, length, expectedCrc32c, whole);
            } catch (IOException | RuntimeException e) {
                if (whole != null) {
                    buffers.give(whole);
                }
                throw e;
            }
            if (whole != null && !(crcMatches && keepForHashing(index, whole))) {
                buffers.give(whole);
            }
            if (!crcMatches) {
                return new BlockResult(BlockResult.Outcome.CHECKSUM_MISMATCH, null);
            }
            synchronized (lock) {
                if (state != State.OPEN) {
                    throw new UploadRestartedException(key);
                }
                try {
                    journal.write(ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
                    journalEntries++;
                } catch (IOException e) {
                    throw DiskErrors.classify(e, "recording block " + index + " of \"" + key + "\"");
                }
                received.add(index);
                promise.received(length);
                lastUsedNanos = System.nanoTime();
                complete = received.count() == totalBlocks;
            }
        } finally {
            synchronized (lock) {
                writing.remove(index);
                lock.notifyAll();
            }
        }
        if (complete) {
            return new BlockResult(BlockResult.Outcome.STORED, complete());
        }
        scheduleHash();
        return new BlockResult(BlockResult.Outcome.STORED, null);
    }

    /** Opens the part and journal files if they are closed (after a restart or an idle close). Caller holds lock. */
    private FileChannel openChannels() throws IOException {
        if (data == null) {
            data = PrivateFiles.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE);
            journal = PrivateFiles.open(journalPath, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (directWanted) {
                try {
                    direct = FileChannel.open(part, StandardOpenOption.WRITE, DIRECT_OPTION,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | UnsupportedOperationException notHere) {
                    // A file system without direct I/O (tmpfs, some network mounts): the page cache it is.
                    directWanted = false;
                }
            }
        }
        return data;
    }

    /**
     * Reads a whole block into {@code bytes}, checks its CRC, and writes it: the aligned part with
     * direct I/O when this upload uses it, the rest through the page cache.
     */
    private boolean receiveWhole(FileChannel channel, FileChannel directChannel, long position, InputStream in,
            int length, Integer expectedCrc, ByteBuffer bytes) throws IOException {
        byte[] chunk = CHUNKS.get();
        bytes.clear().limit(length);
        while (bytes.hasRemaining()) {
            int n = in.read(chunk, 0, Math.min(chunk.length, bytes.remaining()));
            if (n < 0) {
                throw new IOException("The connection ended inside block data.");
            }
            bytes.put(chunk, 0, n);
        }
        bytes.flip();
        if (expectedCrc != null) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if ((int) crc.getValue() != expectedCrc) {
                return false;
            }
        }
        try {
            int direct = 0;
            if (directChannel != null && position % BlockBuffers.ALIGNMENT == 0) {
                direct = length - length % BlockBuffers.ALIGNMENT;
                try {
                    writeFully(directChannel, bytes.duplicate().limit(direct), position);
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    IOException classified = DiskErrors.classify(e, "writing block data of \"" + key + "\"");
                    if (classified != e) {
                        throw classified;
                    }
                    // The file system refused this direct write (alignment, or no support after all):
                    // this block and the rest of the upload go through the page cache. The channel
                    // stays open until the upload closes, as another writer may still be using it.
                    synchronized (lock) {
                        directWanted = false;
                    }
                    direct = 0;
                }
            }
            writeFully(channel, bytes.duplicate().position(direct), position + direct);
        } catch (ClosedChannelException e) {
            throw new UploadRestartedException(key);
        } catch (IOException e) {
            throw DiskErrors.classify(e, "writing block data of \"" + key + "\"");
        }
        return true;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /**
     * Leaves a written block's bytes to the hasher, first waiting (briefly) while the hasher is
     * too far behind but has held blocks to work on; false if the block is left to be read back
     * from the file instead. A writer never waits for a block that has not arrived, which might
     * come after this one on the same connection.
     */
    private boolean keepForHashing(long index, ByteBuffer bytes) {
        synchronized (lock) {
            long deadline = System.nanoTime() + HASH_WAIT_NANOS;
            while (state == State.OPEN && index >= hashedBlocks + lagBlocks && hashedBlocks < totalBlocks
                    && received.contains(hashedBlocks)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (state != State.OPEN || index < hashedBlocks || index >= hashedBlocks + lagBlocks) {
                return false;
            }
            ByteBuffer twin = keptForHashing.put(index, bytes);
            if (twin != null) {
                // The same block arrived twice (a retry crossed the first copy): keep one.
                buffers.give(twin);
            }
            return true;
        }
    }

    /** Gives back the memory of blocks not hashed yet; the hasher reads them from the file. Caller holds lock. */
    private void releaseKept() {
        keptForHashing.values().forEach(buffers::give);
        keptForHashing.clear();
    }

    private boolean copyToDisk(FileChannel channel, long position, InputStream in, int length, Integer expectedCrc)
            throws IOException {
        byte[] chunk = CHUNKS.get();
        CRC32C crc = expectedCrc == null ? null : new CRC32C();
        int done = 0;
        try {
            while (done < length) {
                int n = in.read(chunk, 0, Math.min(chunk.length, length - done));
                if (n < 0) {
                    throw new IOException("The connection ended inside block data.");
                }
                if (crc != null) {
                    crc.update(chunk, 0, n);
                }
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
                long at = position + done;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                done += n;
            }
        } catch (ClosedChannelException e) {
            drain(in, length - done);
            throw new UploadRestartedException(key);
        } catch (IOException e) {
            IOException classified = DiskErrors.classify(e, "writing block data of \"" + key + "\"");
            if (classified != e) {
                drain(in, length - done);
            }
            throw classified;
        }
        return crc == null || (int) crc.getValue() == expectedCrc;
    }

    private static void drain(InputStream in, int length) throws IOException {
        byte[] chunk = CHUNKS.get();
        int left = length;
        while (left > 0) {
            int n = in.read(chunk, 0, Math.min(chunk.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    /**
     * Hashes the held prefix on a hasher thread, so that receiving the next blocks overlaps with
     * hashing the previous ones. At most one task per upload is queued at a time.
     */
    private void scheduleHash() {
        if (!hashQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            hashers.execute(() -> {
                hashLock.lock();
                try {
                    advanceHash();
                } catch (IOException e) {
                    // Only an early start on the MD5: completion hashes again from the first block.
                } finally {
                    hashLock.unlock();
                    hashQueued.set(false);
                }
                // A block recorded while this task was finishing found it still queued: look again.
                if (prefixCanGrow()) {
                    scheduleHash();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            hashQueued.set(false);
        }
    }

    private boolean prefixCanGrow() {
        synchronized (lock) {
            long next = hashedBlocks;
            return state == State.OPEN && next < totalBlocks && received.contains(next);
        }
    }

    /**
     * Feeds the MD5 with every held block that extends the hashed prefix. Caller holds hashLock. On
     * failure the digest starts over, so a half-fed block can never reach the result.
     */
    private void advanceHash() throws IOException {
        try {
            feedHeldPrefix();
        } catch (IOException | RuntimeException e) {
            md5.reset();
            hashedBlocks = 0;
            throw e;
        }
    }

    private void feedHeldPrefix() throws IOException {
        while (true) {
            FileChannel channel;
            long block;
            ByteBuffer kept;
            synchronized (lock) {
                // Writers waiting for the hasher to come closer look again.
                lock.notifyAll();
                // Not after an abandon or an eviction: their files are closed and must stay so.
                if (hashedBlocks >= totalBlocks || !received.contains(hashedBlocks) || state != State.OPEN) {
                    return;
                }
                block = hashedBlocks;
                channel = openChannels();
                kept = keptForHashing.remove(block);
            }
            int length = Blocks.length(size, blockSize, block);
            if (kept != null) {
                try {
                    md5.update(kept.duplicate());
                } finally {
                    buffers.give(kept);
                }
            } else {
                readBack(channel, block, length);
            }
            hashedBlocks = block + 1;
            unsyncedBytes += length;
            if (unsyncedBytes >= SYNC_EVERY) {
                checkpoint(channel);
                unsyncedBytes = 0;
            }
        }
    }

    private void readBack(FileChannel channel, long block, int length) throws IOException {
        byte[] chunk = CHUNKS.get();
        long position = block * blockSize;
        int done = 0;
        while (done < length) {
            int n = channel.read(ByteBuffer.wrap(chunk, 0, Math.min(chunk.length, length - done)), position + done);
            if (n < 0) {
                throw new IOException("The part file of \"" + key + "\" is shorter than its plan.");
            }
            md5.update(chunk, 0, n);
            done += n;
        }
    }

    /**
     * Syncs the bytes written so far, then appends {@code sync N}: the first N block lines are
     * durable. Flushing as we go also leaves completion only the tail to sync. A block recorded
     * while the sync runs is not covered, which is why N is counted before it starts.
     */
    private void checkpoint(FileChannel channel) throws IOException {
        long covered;
        synchronized (lock) {
            covered = journalEntries;
        }
        channel.force(false);
        FileChannel log;
        synchronized (lock) {
            if (state != State.OPEN || journal == null) {
                return;
            }
            log = journal;
            log.write(ByteBuffer.wrap(("sync " + covered + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        log.force(false);
    }

    /** Verifies, makes durable and publishes the file. Runs once, on the thread of the last block. */
    private StoredFile complete() throws IOException {
        hashLock.lock();
        try {
            advanceHash();
            if (hashedBlocks != totalBlocks) {
                throw new IOException("The MD5 of \"" + key + "\" could not cover every block.");
            }
            String hex = HexFormat.of().formatHex(md5.digest());
            synchronized (lock) {
                if (state != State.OPEN) {
                    throw new UploadRestartedException(key);
                }
                data.force(true);
                releaseKept();
                closeChannels();
            }
            // Published outside this lock: the user's lock comes first (a delete holds it, then abandons this).
            StoredFile done = space.publish(this, hex, true);
            synchronized (lock) {
                completed = done;
                state = State.COMPLETED;
                lock.notifyAll();
            }
            return done;
        } finally {
            hashLock.unlock();
        }
    }

    Path partPath() {
        return part;
    }

    Path journalPath() {
        return journalPath;
    }

    /** Forgets this upload (reset by a new plan, deleted, or store closed); writers in flight fail. */
    void abandon() {
        synchronized (lock) {
            if (state == State.OPEN) {
                state = State.ABANDONED;
            }
            releaseKept();
            closeQuietly();
            lock.notifyAll();
        }
    }

    /**
     * Drops an idle upload from memory: closes its files and marks it evicted, so that its next
     * block goes to a fresh instance restored from the journal. True if it was evicted.
     */
    boolean evictIfIdle(long idleNanos) {
        if (!hashLock.tryLock()) {
            return false;
        }
        try {
            synchronized (lock) {
                if (state == State.OPEN && writing.isEmpty() && !hashQueued.get() && received.count() < totalBlocks
                        && System.nanoTime() - lastUsedNanos > idleNanos) {
                    state = State.EVICTED;
                    releaseKept();
                    closeQuietly();
                    lock.notifyAll();
                    return true;
                }
                return false;
            }
        } finally {
            hashLock.unlock();
        }
    }

    private void closeChannels() throws IOException {
        try {
            closeDirect();
            if (data != null) {
                data.close();
            }
        } finally {
            if (journal != null) {
                journal.close();
            }
            data = null;
            journal = null;
        }
    }

    private void closeDirect() {
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException ignored) {
                // Only writes that already returned went through it; the data channel's sync covers them.
            }
            direct = null;
        }
    }

    private void closeQuietly() {
        try {
            closeChannels();
        } catch (IOException ignored) {
            // Closing after the upload was given up: nothing left to protect.
        }
    }
}
