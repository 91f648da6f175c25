package org.fita.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes small files in groups. Each writer makes its own file's bytes and metadata durable
 * (many writers sync at once, which the file system merges into few journal commits), then hands
 * the file here: one writer at a time leads a round that renames every waiting file into place and
 * syncs each folder concerned once, and every file of the round is acknowledged only after that.
 * So a completion is heard only once its data, its directory entry and its metadata are on disk,
 * while many completions share one round of directory syncs.
 */
final class GroupCommit {
    /** A round that takes longer than this means the disk is stuck; the waiting writers give up. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** The most files one round takes, so that one round stays short. */
    private static final int MAX_ROUND = 512;

    /** One file waiting to be published. */
    abstract static class Item {
        private boolean done;
        private IOException failure;

        /** Renames the file's parts into place; runs on the leader, outside the group's lock. */
        abstract void rename() throws IOException;

        /** The folders whose entries {@link #rename()} changed. */
        abstract List<Path> folders();

        /** After the folders are synced: makes the file visible (index, counts). */
        abstract void published() throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roundEnded = lock.newCondition();
    private List<Item> waiting = new ArrayList<>();
    private boolean leading;
    private long rounds;

    /** Publishes {@code item} in the next round; returns once it is durable, or throws why not. */
    void publish(Item item) throws IOException {
        List<Item> round;
        lock.lock();
        try {
            waiting.add(item);
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (!item.done && leading) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StorageException("The disk did not finish storing files within "
                            + TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS) + " s; the file was not stored.");
                }
                roundEnded.awaitNanos(left);
            }
            if (item.done) {
                finished(item);
                return;
            }
            leading = true;
            if (waiting.size() <= MAX_ROUND) {
                round = waiting;
                waiting = new ArrayList<>();
            } else {
                round = new ArrayList<>(waiting.subList(0, MAX_ROUND));
                waiting = new ArrayList<>(waiting.subList(MAX_ROUND, waiting.size()));
                if (!round.contains(item)) {
                    round.add(item);
                    waiting.remove(item);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while the file was being stored; it was not stored.");
        } finally {
            lock.unlock();
        }
        try {
            run(round);
        } finally {
            lock.lock();
            try {
                for (Item i : round) {
                    if (!i.done) {
                        i.done = true;
                        i.failure = new StorageException("The file was not stored: the round storing it failed.");
                    }
                }
                leading = false;
                rounds++;
                roundEnded.signalAll();
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            finished(item);
        } finally {
            lock.unlock();
        }
    }

    private static void finished(Item item) throws IOException {
        if (item.failure != null) {
            throw item.failure;
        }
    }

    private void run(List<Item> round) {
        List<Item> renamed = new ArrayList<>(round.size());
        Set<Path> folders = new LinkedHashSet<>();
        for (Item i : round) {
            try {
                i.rename();
                renamed.add(i);
                folders.addAll(i.folders());
            } catch (IOException | RuntimeException e) {
                fail(i, e);
            }
        }
        for (Path folder : folders) {
            DurableFiles.syncDirectory(folder);
        }
        for (Item i : renamed) {
            try {
                i.published();
                markDone(i, null);
            } catch (IOException | RuntimeException e) {
                fail(i, e);
            }
        }
    }

    private void fail(Item i, Exception e) {
        markDone(i, e instanceof IOException io ? io
                : new StorageException("The file was not stored: " + e.getMessage(), e));
    }

    private void markDone(Item i, IOException failure) {
        lock.lock();
        try {
            i.done = true;
            i.failure = failure;
        } finally {
            lock.unlock();
        }
    }

    /** Rounds run so far, for tests. */
    long rounds() {
        lock.lock();
        try {
            return rounds;
        } finally {
            lock.unlock();
        }
    }
}
