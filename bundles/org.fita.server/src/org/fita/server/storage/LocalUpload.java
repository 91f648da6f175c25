package org.fita.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.fita.protocol.Blocks;

/**
 * An unfinished upload on the local disk, coordinating its parts: the {@link ReceivedBlocks record
 * of held blocks} with its journal ({@code <name>.journal}, one decimal index per line after a JSON
 * header line, with {@code sync N} checkpoints), the {@link PartFile part file} the blocks are
 * written into ({@code <name>.part}), and the {@link PrefixHasher in-order hasher} with the
 * {@link KeptBlocks blocks kept in memory} for it. A block is journaled after its bytes are written,
 * so after a process crash every line is true (the kernel still has the bytes); after the machine
 * itself restarted (another boot id), only the first N lines of the last checkpoint are trusted.
 *
 * <p>A block is received whole into a buffer from the store's {@link BlockBuffers}, written, and
 * left to the hasher, which feeds the MD5 from that memory. Large uploads write their blocks with
 * direct I/O, past the page cache: storing a file through fresh page-cache pages cost more CPU than
 * hashing it on the machine measured (docs/BENCHMARKS.md), and the bytes of an upload are not read
 * again soon. When no buffer is free, or a block was not kept, the block streams through a small
 * chunk and the hasher reads it back from the file.
 *
 * <p>This class has no lock of its own; each part has one. A writer holds none of them while it
 * receives or writes a block: it claims the index in the record (a mark held from the write until
 * the block is recorded), writes, and records. Where two locks are ever held together the order is:
 * hasher, then kept blocks, then record; or hasher, then part file (the record's and the part
 * file's locks are innermost: nothing else is taken under them). Completion and
 * publication run on the thread of the last block, outside every part's lock except the hasher's
 * while it finishes the MD5; the user's lock ({@code UserSpace}) is never taken under any of them.
 */
final class LocalUpload implements UploadSession {
    /** How far, in bytes of blocks kept in memory, the hasher may trail the writers. */
    private static final long HASH_LAG_BYTES = 32L << 20;
    /** Direct I/O pays for large sequential uploads; small writes are cheaper through the page cache. */
    private static final long DIRECT_MIN_SIZE = 16L << 20;
    private static final int DIRECT_MIN_BLOCK = 256 << 10;

    private final UserSpace space;
    private final String key;
    private final String name;
    private final long size;
    private final int blockSize;
    private final long totalBlocks;
    private final Path journalPath;
    private final Ledger.Entry promise;
    private final BlockBuffers buffers;
    private final ReceivedBlocks received;
    private final PartFile part;
    private final PrefixHasher hasher;
    private final KeptBlocks kept;
    private volatile long lastUsedNanos = System.nanoTime();

    /** What an upload uses of its store: the hasher threads, the block buffers, whether direct I/O is allowed. */
    record Services(Executor hashers, BlockBuffers buffers, boolean directIo) {
    }

    LocalUpload(UserSpace space, Services services, String key, String name, long size,
            int blockSize, BlockRuns received, Path part, Path journalPath, Ledger.Entry promise) {
        this.space = space;
        this.buffers = services.buffers();
        this.key = key;
        this.name = name;
        this.size = size;
        this.blockSize = blockSize;
        this.totalBlocks = Blocks.totalBlocks(size, blockSize);
        this.promise = promise;
        this.journalPath = journalPath;
        this.received = new ReceivedBlocks(key, totalBlocks, received, journalPath);
        this.part = new PartFile(key, part, services.directIo() && size >= DIRECT_MIN_SIZE
                && blockSize >= DIRECT_MIN_BLOCK && blockSize % BlockBuffers.ALIGNMENT == 0);
        long lagBlocks = Math.max(2, HASH_LAG_BYTES / Math.max(1, blockSize));
        this.hasher = new PrefixHasher(key, services.hashers(), size, blockSize, this.received, this.part, buffers,
                lagBlocks);
        this.kept = hasher.kept();
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
        return received.toBitmap();
    }

    @Override
    public long receivedCount() {
        return received.count();
    }

    /** Runs in the block map: what its memory grows with. */
    int receivedRuns() {
        return received.runCount();
    }

    Ledger.Entry promise() {
        return promise;
    }

    /** Whether this upload writes its blocks past the page cache (as far as it has found out). */
    boolean usesDirectIo() {
        return part.usesDirectIo();
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    @Override
    public BlockResult writeBlock(long index, InputStream in, int length, Integer expectedCrc32c) throws IOException {
        lastUsedNanos = System.nanoTime();
        switch (received.claim(index)) {
            case HELD -> {
                PartFile.drain(in, length);
                return new BlockResult(BlockResult.Outcome.ALREADY_HELD, null);
            }
            case ABANDONED -> {
                PartFile.drain(in, length);
                throw new UploadRestartedException(key);
            }
            case EVICTED -> {
                // Dropped from memory while idle, just before this block: the upload lives on from its journal.
                LocalUpload current = space.reloaded(this);
                if (current == null) {
                    PartFile.drain(in, length);
                    throw new UploadRestartedException(key);
                }
                return current.writeBlock(index, in, length, expectedCrc32c);
            }
            case WRITE -> {
                // claimed: written and recorded below, the mark released whatever happens
            }
        }
        boolean complete;
        try {
            PartFile.Channels channels;
            try {
                channels = part.channels();
            } catch (UploadRestartedException e) {
                PartFile.drain(in, length); // abandoned since the claim, as a write to its closed file would find
                throw e;
            }
            if (!writeToPart(channels, index, in, length, expectedCrc32c)) {
                return new BlockResult(BlockResult.Outcome.CHECKSUM_MISMATCH, null);
            }
            complete = received.record(index);
            promise.received(length);
            lastUsedNanos = System.nanoTime();
        } finally {
            received.release(index);
        }
        if (complete) {
            return new BlockResult(BlockResult.Outcome.STORED, complete());
        }
        hasher.schedule();
        return new BlockResult(BlockResult.Outcome.STORED, null);
    }

    /** Receives and writes one block, leaving its bytes to the hasher when it can; false on a CRC mismatch. */
    private boolean writeToPart(PartFile.Channels channels, long index, InputStream in, int length, Integer expectedCrc)
            throws IOException {
        ByteBuffer whole = buffers.take(blockSize);
        if (whole == null) {
            return part.copyToDisk(channels, index * blockSize, in, length, expectedCrc);
        }
        boolean crcMatches;
        try {
            crcMatches = part.receiveWhole(channels, index * blockSize, in, length, expectedCrc, whole);
        } catch (IOException | RuntimeException e) {
            buffers.give(whole);
            throw e;
        }
        if (!(crcMatches && kept.keep(index, whole))) {
            buffers.give(whole);
        }
        return crcMatches;
    }

    /** Verifies, makes durable and publishes the file. Runs once, on the thread of the last block. */
    private StoredFile complete() throws IOException {
        String hex = hasher.finish();
        received.closeForPublication();
        kept.close();
        part.syncAndClose();
        // The user's lock comes first (a delete holds it, then abandons this): no part's lock is held here.
        StoredFile done = space.publish(this, hex, true);
        received.completed();
        return done;
    }

    Path partPath() {
        return part.path();
    }

    Path journalPath() {
        return journalPath;
    }

    /** Forgets this upload (reset by a new plan, deleted, or store closed); writers in flight fail. */
    void abandon() {
        received.abandon();
        kept.close();
        part.close();
    }

    /**
     * Drops an idle upload from memory: closes its files and marks it evicted, so that its next
     * block goes to a fresh instance restored from the journal. True if it was evicted.
     */
    boolean evictIfIdle(long idleNanos) {
        boolean evicted = hasher.whileIdle(() -> received.evictIfIdle(lastUsedNanos, idleNanos));
        if (evicted) {
            kept.close();
            part.close();
        }
        return evicted;
    }
}
