package org.fita.server.s3;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;
import org.fita.server.storage.BlockResult;
import org.fita.server.storage.StorageException;
import org.fita.server.storage.StoredFile;
import org.fita.server.storage.UploadRestartedException;
import org.fita.server.storage.UploadSession;

/**
 * An unfinished upload as one server sees it. Blocks are gathered in memory into windows of
 * consecutive blocks (a window is one multipart part, at most {@link #MAX_WINDOW_BYTES}); a full
 * window, one idle for a second, or one pushed out by memory pressure is written to the store as
 * segment objects ({@link S3Keys}), one per run of consecutive blocks it holds. The blocks held are
 * the segments in the store (listed when the session is opened and before completion) plus the
 * windows in memory. A server that dies loses only its windows: their blocks are not in the store,
 * so they are asked for again on resume.
 *
 * <p>While windows are written in order, their bytes feed the file's MD5 on the way (windows that
 * come early wait in memory, a few at most); whatever this server did not hash in order is read
 * back from the segments at completion.
 *
 * <p>One lock guards the state; the bytes of a block are received and segments are written outside
 * it.
 */
final class S3Upload implements UploadSession {
    /** The size multipart parts aim at (S3's least is 5 MiB). */
    static final long PART_TARGET = 8L << 20;
    /** S3 allows 10,000 parts; a margin leaves room for parts that are not full. */
    static final long MAX_PARTS = 9000;
    static final long MAX_WINDOW_BYTES = 16L << 20;
    /** Windows one upload keeps in memory at once (out-of-order blocks from parallel connections). */
    private static final int MAX_WINDOWS = 4;
    /** Written windows kept for the hasher until the window before them is written. */
    private static final int MAX_AWAITING_HASH = 4;

    final S3BlobStore store;
    final String user;
    final String key;
    final PlanId plan;
    final long totalBlocks;
    final long slotBlocks;
    final long windowBlocks;

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private final Set<Window> writing = new HashSet<>();
    private final TreeMap<Long, Window> awaitingHash = new TreeMap<>();
    private final RunSet stored = new RunSet();
    private final Set<Long> claimed = new HashSet<>();
    private final MessageDigest md5 = S3BlobStore.newMd5();
    private long hashedBlocks;
    private long held;
    private boolean closed;
    private boolean completing;
    private volatile long lastUsedNanos = System.nanoTime();

    /** Consecutive blocks buffered together. */
    private final class Window {
        final long first;
        final int blocks;
        final byte[] bytes;
        final BitSet have = new BitSet();
        long lastWriteNanos = System.nanoTime();

        Window(long first, int blocks, byte[] bytes) {
            this.first = first;
            this.blocks = blocks;
            this.bytes = bytes;
        }

        boolean full() {
            return have.cardinality() == blocks;
        }
    }

    S3Upload(S3BlobStore store, String user, String key, PlanId plan) {
        this.store = store;
        this.user = user;
        this.key = key;
        this.plan = plan;
        this.totalBlocks = Blocks.totalBlocks(plan.size(), plan.blockSize());
        long target = Math.max(1, (PART_TARGET + plan.blockSize() - 1) / plan.blockSize());
        this.slotBlocks = Math.max(target, (totalBlocks + MAX_PARTS - 1) / MAX_PARTS);
        this.windowBlocks = slotBlocks * plan.blockSize() <= MAX_WINDOW_BYTES ? slotBlocks
                : Math.max(1, MAX_WINDOW_BYTES / plan.blockSize());
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public long size() {
        return plan.size();
    }

    @Override
    public int blockSize() {
        return plan.blockSize();
    }

    @Override
    public long totalBlocks() {
        return totalBlocks;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Bytes of block {@code index}. */
    int lengthOf(long index) {
        return Blocks.length(plan.size(), plan.blockSize(), index);
    }

    @Override
    public byte[] receivedBitmap() {
        lock.lock();
        try {
            return heldBits().toByteArray();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long receivedCount() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    private BitSet heldBits() {
        BitSet bits = new BitSet();
        stored.addTo(bits);
        for (Window w : windows.values()) {
            orInto(bits, w);
        }
        for (Window w : writing) {
            orInto(bits, w);
        }
        return bits;
    }

    private static void orInto(BitSet bits, Window w) {
        for (int i = w.have.nextSetBit(0); i >= 0; i = w.have.nextSetBit(i + 1)) {
            bits.set(Math.toIntExact(w.first + i));
        }
    }

    private boolean holds(long index) {
        if (stored.contains(index)) {
            return true;
        }
        Window w = windows.get(index / windowBlocks);
        if (w != null && w.have.get((int) (index - w.first))) {
            return true;
        }
        for (Window f : writing) {
            if (index >= f.first && index < f.first + f.blocks && f.have.get((int) (index - f.first))) {
                return true;
            }
        }
        return false;
    }

    /** Adds what the store holds now (other servers' segments too); called with fresh listings. */
    void learnStored(List<S3BlobStore.Segment> segments) {
        lock.lock();
        try {
            for (S3BlobStore.Segment s : segments) {
                stored.add(s.first(), s.end());
            }
            held = heldBits().cardinality();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public BlockResult writeBlock(long index, InputStream in, int length, Integer expectedCrc32c) throws IOException {
        lastUsedNanos = System.nanoTime();
        List<Window> toWrite = new ArrayList<>();
        Window window;
        lock.lock();
        try {
            if (closed) {
                lock.unlock();
                drain(in, length);
                throw new UploadRestartedException(key);
            }
            if (holds(index) || claimed.contains(index)) {
                boolean allIn = held >= totalBlocks;
                lock.unlock();
                drain(in, length);
                if (allIn) {
                    // Every block is in: another server may have published the file a moment ago, and
                    // the client asks FILE GET next; this server must not answer from what it cached before.
                    store.statChanged(user, key);
                }
                return new BlockResult(BlockResult.Outcome.ALREADY_HELD, null);
            }
            window = windowFor(index, toWrite);
            claimed.add(index);
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
        try {
            writeOut(toWrite);
            byte[] target;
            int offset;
            if (window != null) {
                target = window.bytes;
                offset = (int) ((index - window.first) * plan.blockSize());
            } else {
                target = new byte[length]; // no memory to gather in: this block goes to the store alone
                offset = 0;
            }
            readFully(in, target, offset, length);
            if (expectedCrc32c != null) {
                CRC32C crc = new CRC32C();
                crc.update(target, offset, length);
                if ((int) crc.getValue() != expectedCrc32c) {
                    return new BlockResult(BlockResult.Outcome.CHECKSUM_MISMATCH, null);
                }
            }
            boolean complete = false;
            boolean alone;
            toWrite.clear();
            lock.lock();
            try {
                if (closed) {
                    throw new UploadRestartedException(key);
                }
                alone = window == null || windows.get(window.first / windowBlocks) != window;
                if (!alone) {
                    claimed.remove(index);
                    window.have.set((int) (index - window.first));
                    window.lastWriteNanos = System.nanoTime();
                    if (window.full()) {
                        detach(window, toWrite);
                    }
                    held++;
                    complete = held >= totalBlocks;
                }
            } finally {
                lock.unlock();
            }
            if (alone) {
                // No window, or its window was written out while this block arrived: it goes to the store alone.
                store.putSegment(this, index, index + 1, target, offset, length);
                lock.lock();
                try {
                    if (closed) {
                        throw new UploadRestartedException(key);
                    }
                    stored.add(index, index + 1);
                    claimed.remove(index);
                    held++;
                    complete = held >= totalBlocks;
                } finally {
                    lock.unlock();
                }
            }
            writeOut(toWrite);
            lastUsedNanos = System.nanoTime();
            return new BlockResult(BlockResult.Outcome.STORED, complete ? complete() : null);
        } finally {
            lock.lock();
            try {
                claimed.remove(index);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The window of {@code index}, made if needed; null when no memory is left for one. Caller holds lock. */
    private Window windowFor(long index, List<Window> toWrite) {
        long wi = index / windowBlocks;
        Window w = windows.get(wi);
        if (w != null) {
            return w;
        }
        if (windows.size() >= MAX_WINDOWS) {
            detach(windows.firstEntry().getValue(), toWrite);
        }
        long first = wi * windowBlocks;
        int blocks = (int) Math.min(windowBlocks, totalBlocks - first);
        long bytes = Math.min(plan.size(), (first + blocks) * plan.blockSize()) - first * plan.blockSize();
        if (!store.budget().tryTake(bytes)) {
            // Memory is short: what this upload gathers goes out now, and this block alone.
            for (Window old : new ArrayList<>(windows.values())) {
                detach(old, toWrite);
            }
            return null;
        }
        w = new Window(first, blocks, new byte[(int) bytes]);
        windows.put(wi, w);
        return w;
    }

    /** Takes a window out of the gathering ones, to be written by the caller. Caller holds lock. */
    private void detach(Window w, List<Window> toWrite) {
        windows.remove(w.first / windowBlocks, w);
        writing.add(w);
        toWrite.add(w);
    }

    /** Writes detached windows to the store, one segment per run, then hashes what is in order; returns the runs written. */
    private List<long[]> writeOut(List<Window> ws) throws IOException {
        List<long[]> all = new ArrayList<>();
        for (Window w : ws) {
            List<long[]> written = new ArrayList<>();
            try {
                int i = w.have.nextSetBit(0);
                while (i >= 0) {
                    int end = w.have.nextClearBit(i);
                    if (end > w.blocks) {
                        end = w.blocks;
                    }
                    long from = (long) i * plan.blockSize();
                    long to = Math.min(w.bytes.length, (long) end * plan.blockSize());
                    store.putSegment(this, w.first + i, w.first + end, w.bytes, (int) from, (int) (to - from));
                    written.add(new long[] {w.first + i, w.first + end});
                    i = w.have.nextSetBit(end);
                }
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    writing.remove(w);
                    held = heldBits().cardinality();
                } finally {
                    lock.unlock();
                }
                store.budget().give(w.bytes.length);
                throw e instanceof IOException io ? io : new StorageException("Writing blocks of \"" + key
                        + "\" to the object store failed: " + e.getMessage() + ". They will be asked for again.", e);
            }
            boolean keep = false;
            boolean orphaned;
            lock.lock();
            try {
                writing.remove(w);
                orphaned = closed;
                if (!orphaned) {
                    for (long[] run : written) {
                        stored.add(run[0], run[1]);
                    }
                    keep = hashInOrder(w);
                }
            } finally {
                lock.unlock();
            }
            if (!keep) {
                store.budget().give(w.bytes.length);
            }
            if (orphaned) {
                // Deleted or reset while these were on their way: they belong to no plan any more.
                store.deleteSegmentsQuietly(this, written);
            }
            all.addAll(written);
        }
        return all;
    }

    /**
     * Feeds the MD5 with this window if it continues the hashed prefix, then with the windows that
     * waited for it; keeps it for later if it comes early. True if the window's memory is kept.
     * Caller holds lock.
     */
    private boolean hashInOrder(Window w) {
        if (!feed(w)) {
            if (hashedBlocks < w.first && w.full() && awaitingHash.size() < MAX_AWAITING_HASH) {
                awaitingHash.put(w.first, w);
                return true;
            }
            return false;
        }
        while (!awaitingHash.isEmpty() && awaitingHash.firstKey() <= hashedBlocks) {
            Window next = awaitingHash.pollFirstEntry().getValue();
            feed(next);
            store.budget().give(next.bytes.length);
        }
        return false;
    }

    /** Hashes the run of {@code w} that starts at the hashed prefix's end, if there is one. */
    private boolean feed(Window w) {
        if (hashedBlocks < w.first || hashedBlocks >= w.first + w.blocks) {
            return false;
        }
        int i = (int) (hashedBlocks - w.first);
        if (!w.have.get(i)) {
            return false;
        }
        int end = Math.min(w.have.nextClearBit(i), w.blocks);
        long from = (long) i * plan.blockSize();
        long to = Math.min(w.bytes.length, (long) end * plan.blockSize());
        md5.update(w.bytes, (int) from, (int) (to - from));
        hashedBlocks = w.first + end;
        return true;
    }

    /** Writes the windows idle for longer than {@code idleNanos}, so that other servers see their blocks. */
    boolean writeIdle(long idleNanos) throws IOException {
        List<Window> toWrite = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            for (Window w : new ArrayList<>(windows.values())) {
                if (now - w.lastWriteNanos > idleNanos && claimedIn(w) == 0) {
                    detach(w, toWrite);
                }
            }
        } finally {
            lock.unlock();
        }
        writeOut(toWrite);
        return !toWrite.isEmpty();
    }

    /** Whether every block is known to be held (in the store or here). */
    boolean allHeld() {
        lock.lock();
        try {
            return held >= totalBlocks;
        } finally {
            lock.unlock();
        }
    }

    private int claimedIn(Window w) {
        int n = 0;
        for (long c : claimed) {
            if (c >= w.first && c < w.first + w.blocks) {
                n++;
            }
        }
        return n;
    }

    /**
     * Publishes the file once every block is in the store: writes this server's windows, lists the
     * segments (other servers' too), waits a little for blocks still in other servers' memory, then
     * assembles. Null if blocks are still missing (the upload goes on) or another thread completes it.
     */
    StoredFile complete() throws IOException {
        List<Window> toWrite = new ArrayList<>();
        lock.lock();
        try {
            if (completing || closed) {
                return null;
            }
            completing = true;
            for (Window w : new ArrayList<>(windows.values())) {
                if (claimedIn(w) == 0) {
                    detach(w, toWrite);
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            List<long[]> mine = writeOut(toWrite);
            long deadline = System.nanoTime() + S3BlobStore.COMPLETION_WAIT.toNanos();
            List<S3BlobStore.Segment> segments;
            while (true) {
                segments = store.listSegments(user, key, plan);
                learnStored(segments);
                // The listing itself must cover the file: a window this server's writer thread
                // finished writing just after the listing is known here but is not in it.
                RunSet listed = new RunSet();
                for (S3BlobStore.Segment s : segments) {
                    listed.add(s.first(), s.end());
                }
                if (listed.runEndFrom(0) >= totalBlocks) {
                    break;
                }
                // Blocks missing from the store: still in another server's memory, or already
                // published by another server, which then deleted them.
                StoredFile other = store.publishedFrom(this);
                if (other != null) {
                    return finishedElsewhere(other, mine);
                }
                if (System.nanoTime() > deadline) {
                    store.statChanged(user, key);
                    return null;
                }
                sleep(200);
            }
            MessageDigest hashed;
            long hashedTo;
            lock.lock();
            try {
                hashed = cloneDigest();
                hashedTo = hashedBlocks;
            } finally {
                lock.unlock();
            }
            StoredFile done = store.publish(this, segments, hashed, hashedTo);
            if (done == null) {
                store.statChanged(user, key); // another server is publishing it: ask the store next time
                return null;
            }
            abandon();
            store.forget(this);
            // Segments this server wrote after the publisher had deleted the plan's blocks are left to no one.
            store.deleteSegmentsQuietly(this, mine);
            return done;
        } finally {
            lock.lock();
            try {
                completing = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Another server published the file: this session is over, and what it wrote for it goes. */
    private StoredFile finishedElsewhere(StoredFile published, List<long[]> written) {
        abandon();
        store.forget(this);
        store.deleteSegmentsQuietly(this, written);
        return published;
    }

    private MessageDigest cloneDigest() {
        try {
            return (MessageDigest) md5.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("MD5 digests of the Java runtime can be cloned", e);
        }
    }

    /** Forgets this upload's memory (completed, reset, deleted, or the store closing); writers in flight fail. */
    void abandon() {
        lock.lock();
        try {
            closed = true;
            for (Window w : windows.values()) {
                store.budget().give(w.bytes.length);
            }
            windows.clear();
            for (Window w : awaitingHash.values()) {
                store.budget().give(w.bytes.length);
            }
            awaitingHash.clear();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private static void sleep(long millis) throws StorageException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for the object store.", e);
        }
    }

    static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int n = in.readNBytes(b, off, len);
        if (n < len) {
            throw new java.io.EOFException("The block ended after " + n + " of " + len + " bytes.");
        }
    }

    static void drain(InputStream in, long length) throws IOException {
        long left = length;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new java.io.EOFException("The block ended early.");
                }
                n = 1;
            }
            left -= n;
        }
    }

    /** The windows in memory now, for tests. */
    int windowsInMemory() {
        lock.lock();
        try {
            return windows.size() + awaitingHash.size();
        } finally {
            lock.unlock();
        }
    }

    Map<Long, Long> debugState() {
        return Map.of(hashedBlocks, held);
    }
}
