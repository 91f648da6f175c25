package org.fita.server.storage;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Quota and free-space accounting: what a user may still store, and which bytes of the disk are
 * promised to unfinished uploads ({@link Ledger}). A plan is refused before anything changes.
 *
 * <p>The user's lock is held by the callers. {@link #reserveLock} makes the free-space check and the
 * promise of one plan a single step, so that two plans cannot share the same free bytes; it is
 * taken after the user's lock; under it {@code dropOld} abandons the upload the plan resets, which
 * takes that upload's locks. Neither is ever held when this one is taken.
 */
final class Reservations {
    /** Unfinished uploads one user may have at once (each holds two files and a small record). */
    static final int MAX_UNFINISHED_PER_USER = 1000;

    private final Ledger ledger = new Ledger();
    private final ReentrantLock reserveLock = new ReentrantLock();
    private volatile Quotas quotas = Quotas.NONE;
    private volatile LongSupplier usableSpace;

    Reservations(LongSupplier usableSpace) {
        this.usableSpace = usableSpace;
    }

    void quotas(Quotas quotas) {
        this.quotas = quotas;
    }

    void usableSpace(LongSupplier usableSpace) {
        this.usableSpace = usableSpace;
    }

    Ledger ledger() {
        return ledger;
    }

    /** What the user stores, has promised and may use. Caller holds the user's lock. */
    Usage usage(UserSpace space) throws IOException {
        return new Usage(space.storedBytes(), space.promisedBytes(), quotas.limitFor(space.user));
    }

    /** An action on the disk that may fail. */
    interface DiskAction {
        void run() throws IOException;
    }

    /**
     * Checks a new plan against the user's count of unfinished uploads, their quota and the free
     * space, then runs {@code dropOld} (which forgets the unfinished upload the plan resets) and
     * promises the plan's bytes. The old upload's promise does not count against its replacement.
     * Caller holds the user's lock.
     */
    Ledger.Entry reservePlan(UserSpace space, String key, long size, int blockSize, DiskAction dropOld)
            throws IOException {
        Ledger.Entry old = space.promises.get(key);
        int others = space.promises.size() - (old == null ? 0 : 1);
        if (others >= MAX_UNFINISHED_PER_USER) {
            throw new QuotaExceededException("\"" + space.user + "\" has " + others
                    + " unfinished uploads, the most this server keeps for one user. Finish or delete some"
                    + " (FILE DELETE) first.");
        }
        long limit = quotas.limitFor(space.user);
        if (limit != Quotas.UNLIMITED) {
            long used = space.storedBytes() + space.promisedBytes() - (old == null ? 0 : old.size);
            if (used + size > limit || used + size < 0) {
                throw new QuotaExceededException(space.user, used, limit, size);
            }
        }
        reserveLock.lock();
        try {
            long usable = usableSpace.getAsLong();
            long promised = ledger.outstanding() - (old == null ? 0 : old.remaining());
            if (size > usable - promised) {
                throw new InsufficientStorageException("The server has " + usable + " bytes free, of which "
                        + promised + " are promised to unfinished uploads; \"" + key + "\" needs " + size
                        + ". Free some space on the server, wait for uploads to finish, or upload a smaller file.",
                        null);
            }
            dropOld.run();
            return ledger.open(key, size, blockSize, 0, System.currentTimeMillis());
        } finally {
            reserveLock.unlock();
        }
    }

    /** Checks that a DATA record of {@code bytes} fits the user's quota. Caller holds the user's lock. */
    void checkData(UserSpace space, long bytes) throws IOException {
        long limit = quotas.limitFor(space.user);
        if (limit != Quotas.UNLIMITED) {
            long used = space.storedBytes() + space.promisedBytes();
            if (used + bytes > limit) {
                throw new QuotaExceededException(space.user, used, limit, bytes);
            }
        }
    }
}
