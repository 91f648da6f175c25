package org.fita.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fita.transfer.SmallFiles.Download;
import org.fita.transfer.SmallFiles.Listener;
import org.fita.transfer.StepException.LocalFileException;

/**
 * Where the small files of a download go once their bytes are checked: each is written to a part
 * file without a sync; the part files are synced together by many threads (syncs waiting together
 * share the file system's journal commits), renamed into place, their folders synced once, and
 * only then are the files reported. A file reported is on disk; a crash leaves at most a part file,
 * never a half file under the final name. Files this cannot settle go {@link #back} to the normal path.
 */
final class DownloadedFiles {
    /** Threads that sync and rename downloaded files, so that many syncs wait together. */
    static final int SYNC_THREADS = 64;
    /** Downloaded files written before their syncs go out together. */
    static final int SYNC_BATCH = 1024;
    /** The longest the syncs left at the end of a download may take. */
    static final long SYNC_WAIT_SECONDS = 120;

    private final TransferOptions options;
    private final Listener listener;
    private final ConcurrentLinkedQueue<Download> back = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TransferResult> written = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SyncTask> unsynced = new ConcurrentLinkedQueue<>();
    /** Folders that got a new folder in them during this download: their entries need a sync too. */
    private final Set<Path> gotNewFolders = ConcurrentHashMap.newKeySet();
    /** Folders known to exist: most files of a download share a few, and each file would otherwise stat its own. */
    private final Set<Path> readyFolders = ConcurrentHashMap.newKeySet();
    /** Files written so far (the queue's size() walks it). */
    private final AtomicInteger writtenCount = new AtomicInteger();
    private final ExecutorService syncers = Executors.newFixedThreadPool(SYNC_THREADS, r -> {
        Thread t = new Thread(r, "fita-sync");
        t.setDaemon(true);
        return t;
    });

    DownloadedFiles(TransferOptions options, Listener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** Hands a file back to the normal path: gone, changed, or not settled here. */
    void back(Download item) {
        back.add(item);
    }

    /** The files handed back so far; complete once {@link #finish} has returned. */
    ConcurrentLinkedQueue<Download> handedBack() {
        return back;
    }

    /**
     * Keeps a file whose bytes ({@code length} from {@code offset}) match the MD5 its listing gave:
     * writes them to its part file and queues its sync and rename. Bytes that do not match go
     * {@link #back} to the normal path, which fetches and verifies the file again.
     */
    void keepIfVerified(Download item, byte[] data, int offset, int length, long sentNanos) {
        MessageDigest digest = Md5.create();
        digest.update(data, offset, length);
        String md5 = HexFormat.of().formatHex(digest.digest());
        if (!md5.equalsIgnoreCase(item.md5())) {
            back(item);
            return;
        }
        Path target = item.path();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Path folder = target.toAbsolutePath().getParent();
            if (folder != null && !readyFolders.contains(folder)) {
                if (!Files.isDirectory(folder)) {
                    for (Path f = folder; f.getParent() != null && !Files.exists(f); f = f.getParent()) {
                        gotNewFolders.add(f.getParent());
                    }
                    Files.createDirectories(folder);
                }
                readyFolders.add(folder);
            }
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(data, offset, length);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        } catch (IOException e) {
            writeFailed(item, part, e);
            return;
        }
        unsynced.add(new SyncTask(item, part, () -> syncAndRename(item, part, length, md5, sentNanos)));
        if (writtenCount.incrementAndGet() % SYNC_BATCH == 0) {
            // A long download syncs in batches, so that its part files do not pile up unsynced.
            startSyncs();
        }
    }

    private void syncAndRename(Download item, Path part, int size, String md5, long sentNanos) {
        Path target = item.path();
        try {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (!options.overwrite() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(part);
                back.add(item); // appeared meanwhile: the caller decides
                return;
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            written.add(new TransferResult(item.key(), target, size, md5, size,
                    Duration.ofNanos(System.nanoTime() - sentNanos)));
        } catch (IOException | RuntimeException e) {
            writeFailed(item, part, e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Sends the syncs of the files written so far out together: the first one's journal commit carries most others. */
    void startSyncs() {
        for (SyncTask task; (task = unsynced.poll()) != null;) {
            try {
                syncers.execute(task);
            } catch (RejectedExecutionException e) {
                writeFailed(task.item(), task.part(), new IOException("the download was stopped", e));
            }
        }
    }

    /**
     * Waits for the syncs and renames (files never synced are reported failed), syncs the folders once,
     * then reports every file that is on disk.
     */
    void finish() {
        for (SyncTask task; (task = unsynced.poll()) != null;) {
            writeFailed(task.item(), task.part(), new IOException("the download was stopped"));
        }
        syncers.shutdown();
        try {
            if (!syncers.awaitTermination(SYNC_WAIT_SECONDS, TimeUnit.SECONDS)) {
                for (Runnable never : syncers.shutdownNow()) {
                    if (never instanceof SyncTask task) {
                        writeFailed(task.item(), task.part(), new IOException("the disk did not sync it within "
                                + SYNC_WAIT_SECONDS + " s"));
                    }
                }
            }
        } catch (InterruptedException e) {
            syncers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // The renames are durable once their folders are: one sync per folder, then the files are reported.
        // A folder made by this download is durable once its parent is synced (fsync(2)): those too.
        Set<Path> folders = new LinkedHashSet<>();
        for (TransferResult r : written) {
            folders.add(r.localPath().toAbsolutePath().getParent());
        }
        folders.addAll(gotNewFolders);
        for (Path folder : folders) {
            syncFolder(folder);
        }
        for (TransferResult r : written) {
            listener.verified(r);
        }
    }

    /** A downloaded file's sync and rename, with the file for a report if it never runs. */
    private record SyncTask(Download item, Path part, Runnable work) implements Runnable {
        @Override
        public void run() {
            work.run();
        }
    }

    private void writeFailed(Download item, Path part, IOException e) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // The part file is named after the target: a later run overwrites it.
        }
        listener.failed(item.key(), item.path(), new LocalFileException("Writing " + item.path() + " failed: "
                + e.getMessage(), e));
    }

    /** Makes the renames in {@code folder} durable; also for the normal path ({@link Download}). */
    static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the renames themselves are atomic.
        }
    }
}
