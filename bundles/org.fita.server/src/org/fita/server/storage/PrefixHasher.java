package org.fita.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.fita.protocol.Blocks;

/**
 * The MD5 of one upload, computed in block order on a hasher thread as the held prefix grows, so
 * that completing an upload received in order costs only its last block's hashing. Each block comes
 * from memory when its writer kept it ({@link KeptBlocks}), else it is read back from the part file.
 * The bytes are synced to disk as they are hashed, with a {@code sync N} checkpoint in the journal.
 *
 * <p>{@link #lock} guards the digest and the sync counter, and is held while feeding them (reads
 * and syncs included: a {@link ReentrantLock}, so virtual threads are not pinned). It is the outer
 * lock: under it the hasher briefly takes the part file's, the kept blocks' and the record's locks,
 * one at a time. At most one hash task per upload is queued at a time.
 */
final class PrefixHasher {
    private static final long SYNC_EVERY = 64L << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final String key;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Executor hashers;
    private final MessageDigest md5 = LocalBlobStore.newMd5();
    private final long size;
    private final int blockSize;
    private final long totalBlocks;
    private final ReceivedBlocks received;
    private final PartFile part;
    private final BlockBuffers buffers;
    private final KeptBlocks kept;
    /** Blocks fed into the digest. Written under lock, read by writers without it. */
    private volatile long hashedBlocks;
    private long unsyncedBytes;

    /** @param lagBlocks how far, in blocks kept in memory, the hasher may trail the writers */
    PrefixHasher(String key, Executor hashers, long size, int blockSize, ReceivedBlocks received, PartFile part,
            BlockBuffers buffers, long lagBlocks) {
        this.key = key;
        this.hashers = hashers;
        this.size = size;
        this.blockSize = blockSize;
        this.totalBlocks = Blocks.totalBlocks(size, blockSize);
        this.received = received;
        this.part = part;
        this.buffers = buffers;
        this.kept = new KeptBlocks(buffers, lagBlocks, totalBlocks, received, () -> hashedBlocks);
    }

    /** Where writers leave the bytes of their blocks for this hasher. */
    KeptBlocks kept() {
        return kept;
    }

    long hashedBlocks() {
        return hashedBlocks;
    }

    /** Whether a hash task is queued or running. */
    boolean busy() {
        return queued.get();
    }

    /** Hashes the held prefix on a hasher thread, so that receiving the next blocks overlaps with it. */
    void schedule() {
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        try {
            hashers.execute(() -> {
                lock.lock();
                try {
                    advance();
                } catch (IOException e) {
                    // Only an early start on the MD5: completion hashes again from the first block.
                } finally {
                    lock.unlock();
                    queued.set(false);
                }
                // A block recorded while this task was finishing found it still queued: look again.
                if (received.readyToHash(hashedBlocks)) {
                    schedule();
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            queued.set(false);
        }
    }

    /** Hashes what is left and returns the MD5 in hex. Runs once, on the thread of the last block. */
    String finish() throws IOException {
        lock.lock();
        try {
            advance();
            if (hashedBlocks != totalBlocks) {
                throw new IOException("The MD5 of \"" + key + "\" could not cover every block.");
            }
            return HexFormat.of().formatHex(md5.digest());
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} only if no hash task is queued or running; false otherwise. */
    boolean whileIdle(BooleanSupplier action) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            return !queued.get() && action.getAsBoolean();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Feeds the MD5 with every held block that extends the hashed prefix. Caller holds lock. On
     * failure the digest starts over, so a half-fed block can never reach the result.
     */
    private void advance() throws IOException {
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
            // Writers waiting for the hasher to come closer look again.
            kept.hasherMoved();
            long block = hashedBlocks;
            // Not after an abandon or an eviction: their files are closed and must stay so.
            if (!received.readyToHash(block)) {
                return;
            }
            FileChannel channel = part.channels().data();
            ByteBuffer bytes = kept.take(block);
            int length = Blocks.length(size, blockSize, block);
            if (bytes != null) {
                try {
                    md5.update(bytes.duplicate());
                } finally {
                    buffers.give(bytes);
                }
            } else {
                part.readInto(md5, channel, block * blockSize, length);
            }
            hashedBlocks = block + 1;
            unsyncedBytes += length;
            if (unsyncedBytes >= SYNC_EVERY) {
                checkpoint(channel);
                unsyncedBytes = 0;
            }
        }
    }

    /**
     * Syncs the bytes written so far, then journals {@code sync N}: the first N block lines are
     * durable. Flushing as we go also leaves completion only the tail to sync. A block recorded
     * while the sync runs is not covered, which is why N is counted before it starts.
     */
    private void checkpoint(FileChannel channel) throws IOException {
        long covered = received.journalEntries();
        channel.force(false);
        received.checkpoint(covered);
    }
}
