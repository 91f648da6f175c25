package org.fita.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One upload's record of held blocks, its journal file and its life state. A block is journaled
 * after its bytes are written, and a write marks its index from before the write until it is
 * recorded, so that a second copy of the block waits and is never written twice nor sees the upload
 * complete under it.
 *
 * <p>{@link #lock} guards everything here: the block map, the marks, the life state, the journal
 * channel and its line count. Journal appends happen under it (a {@link ReentrantLock}, so a virtual
 * thread blocked on the disk does not pin its carrier); syncing the journal does not. It is the
 * innermost lock of an upload: nothing is called from here that takes another.
 */
final class ReceivedBlocks {
    /** EVICTED: closed while idle and dropped from memory; its state is on disk and a new instance takes over. */
    enum State { OPEN, COMPLETED, ABANDONED, EVICTED }

    /** What a writer may do with a block it received. */
    enum Claim { WRITE, HELD, ABANDONED, EVICTED }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a mark is removed or the state changes. */
    private final Condition changed = lock.newCondition();
    private final String key;
    private final long totalBlocks;
    private final Path journalPath;
    private final BlockRuns received;
    /** Indices being written now. Bounded by the writers. */
    private final Set<Long> writing = new HashSet<>();
    private State state = State.OPEN;
    private FileChannel journal;
    /** Block lines in the journal; a sync checkpoint names how many of them are durable. */
    private long journalEntries;

    ReceivedBlocks(String key, long totalBlocks, BlockRuns received, Path journalPath) {
        this.key = key;
        this.totalBlocks = totalBlocks;
        this.received = received;
        this.journalPath = journalPath;
    }

    /**
     * Marks {@code index} as being written, first waiting while another write of it is in flight;
     * or says why this copy is not to be written.
     */
    Claim claim(long index) throws IOException {
        lock.lock();
        try {
            while (writing.contains(index) && state == State.OPEN) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for another write of the same block.", e);
                }
            }
            if (state == State.COMPLETED || state == State.OPEN && received.contains(index)) {
                return Claim.HELD;
            }
            if (state == State.ABANDONED) {
                return Claim.ABANDONED;
            }
            if (state == State.EVICTED) {
                return Claim.EVICTED;
            }
            writing.add(index);
            return Claim.WRITE;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the mark of a claimed block, recorded or not. */
    void release(long index) {
        lock.lock();
        try {
            writing.remove(index);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Journals and records a written block; true if it was the last one missing. */
    boolean record(long index) throws IOException {
        lock.lock();
        try {
            if (state != State.OPEN) {
                throw new UploadRestartedException(key);
            }
            try {
                if (journal == null) {
                    journal = PrivateFiles.open(journalPath, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                }
                journal.write(ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
                journalEntries++;
            } catch (IOException e) {
                throw DiskErrors.classify(e, "recording block " + index + " of \"" + key + "\"");
            }
            received.add(index);
            return received.count() == totalBlocks;
        } finally {
            lock.unlock();
        }
    }

    /** Block lines journaled so far: what a sync that starts now covers. */
    long journalEntries() {
        lock.lock();
        try {
            return journalEntries;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends {@code sync covered} (the bytes of the first {@code covered} block lines are on disk)
     * and syncs the journal, unless the upload stopped meanwhile.
     */
    void checkpoint(long covered) throws IOException {
        FileChannel log;
        lock.lock();
        try {
            if (state != State.OPEN || journal == null) {
                return;
            }
            log = journal;
            log.write(ByteBuffer.wrap(("sync " + covered + "\n").getBytes(StandardCharsets.US_ASCII)));
        } finally {
            lock.unlock();
        }
        log.force(false);
    }

    boolean contains(long index) {
        lock.lock();
        try {
            return received.contains(index);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the block at {@code index} is held and the upload still open: the hasher may read it. */
    boolean readyToHash(long index) {
        lock.lock();
        try {
            return state == State.OPEN && index < totalBlocks && received.contains(index);
        } finally {
            lock.unlock();
        }
    }

    boolean isOpen() {
        lock.lock();
        try {
            return state == State.OPEN;
        } finally {
            lock.unlock();
        }
    }

    long count() {
        lock.lock();
        try {
            return received.count();
        } finally {
            lock.unlock();
        }
    }

    int runCount() {
        lock.lock();
        try {
            return received.runCount();
        } finally {
            lock.unlock();
        }
    }

    byte[] toBitmap() {
        lock.lock();
        try {
            return received.toBitmap();
        } finally {
            lock.unlock();
        }
    }

    /** Throws unless the upload is still open; closes the journal of a complete upload about to be published. */
    void closeForPublication() throws IOException {
        lock.lock();
        try {
            if (state != State.OPEN) {
                throw new UploadRestartedException(key);
            }
            closeJournal();
        } finally {
            lock.unlock();
        }
    }

    void completed() {
        lock.lock();
        try {
            state = State.COMPLETED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The upload is given up: writers in flight fail, waiting ones wake. */
    void abandon() {
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.ABANDONED;
            }
            closeJournalQuietly();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks an incomplete upload with no write in flight, unused for {@code idleNanos}, as evicted. */
    boolean evictIfIdle(long lastUsedNanos, long idleNanos) {
        lock.lock();
        try {
            if (state == State.OPEN && writing.isEmpty() && received.count() < totalBlocks
                    && System.nanoTime() - lastUsedNanos > idleNanos) {
                state = State.EVICTED;
                closeJournalQuietly();
                changed.signalAll();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void closeJournal() throws IOException {
        if (journal != null) {
            FileChannel log = journal;
            journal = null;
            log.close();
        }
    }

    private void closeJournalQuietly() {
        try {
            closeJournal();
        } catch (IOException ignored) {
            // Closing after the upload was given up: nothing left to protect.
        }
    }
}
