package org.fita.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory per upload, free-space promises, expiry and duplicate blocks, on real files through the store's API. */
class StoreLimitsTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path root;

    private LocalBlobStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static long usedHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /**
     * The finding: 300 plans of 50 GiB in 4 KiB blocks, each sent only its last block, pinned two
     * 1.6 MiB bitsets each (1.2 GiB in all). Block maps now grow with what was received.
     */
    @Test
    void manyHugePlansWithOneBlockEachCostLittleHeap() throws Exception {
        store = new LocalBlobStore(root, w -> { }, false);
        store.usableSpace(() -> Long.MAX_VALUE);
        long size = 50 * GIB;
        int blockSize = 4096;
        long last = size / blockSize - 1;
        byte[] block = TestFiles.random(blockSize, 9);
        long before = usedHeap();
        List<UploadSession> keep = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            UploadSession upload = store.beginUpload("u" + (i % 3), "huge" + i, size, blockSize, false);
            BlockResult r = upload.writeBlock(last, new ByteArrayInputStream(block), blockSize, null);
            assertEquals(BlockResult.Outcome.STORED, r.outcome());
            assertEquals(1, ((LocalUpload) upload).receivedRuns());
            keep.add(upload);
        }
        long afterPlans = usedHeap() - before;
        keep.clear();
        store.closeIdleFiles(0);
        assertEquals(0, store.uploadsInMemory(), "idle uploads are dropped from memory; their state is on disk");
        long afterEviction = usedHeap() - before;
        System.out.printf("300 x 50 GiB plans with their last block: heap +%.2f MiB in memory, +%.2f MiB after eviction%n",
                afterPlans / 1048576.0, afterEviction / 1048576.0);
        assertTrue(afterPlans < 16L << 20, "300 open huge uploads took " + afterPlans + " bytes of heap");
        assertTrue(afterEviction < 4L << 20, "300 evicted uploads took " + afterEviction + " bytes of heap");

        // An evicted upload carries on from its journal: the held block is still held.
        UploadSession back = store.findUpload("u0", "huge0").orElseThrow();
        assertEquals(1, back.receivedCount());
        byte[] bitmap = back.receivedBitmap();
        assertEquals((last / 8) + 1, bitmap.length);
        assertEquals(1 << (last % 8), bitmap[bitmap.length - 1] & 0xff);
    }

    @Test
    void aBlockForAnUploadEvictedMeanwhileGoesToItsRestoredSelf() throws IOException {
        store = new LocalBlobStore(root, w -> { }, false);
        byte[] file = TestFiles.random(3 * 4096, 5);
        UploadSession stale = store.beginUpload("u", "k", file.length, 4096, false);
        stale.writeBlock(0, new ByteArrayInputStream(TestFiles.block(file, 4096, 0)), 4096, null);
        store.closeIdleFiles(0);
        stale.writeBlock(1, new ByteArrayInputStream(TestFiles.block(file, 4096, 1)), 4096, null);
        BlockResult r = stale.writeBlock(2, new ByteArrayInputStream(TestFiles.block(file, 4096, 2)), 4096, null);
        assertNotNull(r.completed());
        assertEquals(TestFiles.md5(file), r.completed().md5());
    }

    @Test
    void plansPromiseTheirBytesAndTheFreeSpaceCheckCountsThePromises() throws IOException {
        store = new LocalBlobStore(root, w -> { }, false);
        store.usableSpace(() -> 100_000);
        UploadSession a = store.beginUpload("u1", "a", 60_000, 4096, false);
        InsufficientStorageException full = assertThrows(InsufficientStorageException.class,
                () -> store.beginUpload("u2", "b", 60_000, 4096, false));
        assertTrue(full.getMessage().contains("60000 are promised"), full.getMessage());
        // Planning "a" again may use the room its own earlier plan was promised; a refused one keeps it.
        assertThrows(InsufficientStorageException.class, () -> store.beginUpload("u1", "a", 100_001, 4096, false));
        assertTrue(store.hasUnfinished("u1", "a"));
        a = store.beginUpload("u1", "a", 60_000, 4096, false);
        // Bytes received no longer need room (the disk's free space shows them).
        byte[] block = new byte[4096];
        for (int i = 0; i < 5; i++) {
            a.writeBlock(i, new ByteArrayInputStream(block), 4096, null);
        }
        assertEquals(60_000 - 5 * 4096, store.ledgerOutstanding());
        assertTrue(store.deleteUnfinished("u1", "a"));
        assertEquals(0, store.ledgerOutstanding());
        store.beginUpload("u2", "b", 60_000, 4096, false);
    }

    @Test
    void quotaCountsStoredFilesAndPromises() throws IOException {
        store = new LocalBlobStore(root, w -> { }, false);
        store.configure(Duration.ofDays(7), user -> user.equals("q") ? 10_000 : Quotas.UNLIMITED);
        byte[] file = TestFiles.random(4000, 1);
        UploadSession first = store.beginUpload("q", "one", file.length, 4096, false);
        assertNotNull(first.writeBlock(0, new ByteArrayInputStream(file), file.length, null).completed());
        store.beginUpload("q", "two", 5000, 4096, false);
        QuotaExceededException over = assertThrows(QuotaExceededException.class,
                () -> store.beginUpload("q", "three", 1001, 4096, false));
        assertEquals(9000, over.used());
        assertEquals(10_000, over.allowed());
        assertEquals(1001, over.asked());
        assertEquals(new Usage(4000, 5000, 10_000), store.usage("q"));
        store.beginUpload("q", "three", 1000, 4096, false);
        store.beginUpload("other", "big", 1_000_000, 4096, false);
        // A refused plan changes nothing: the unfinished upload it would have reset stays.
        assertThrows(QuotaExceededException.class, () -> store.beginUpload("q", "two", 6001, 4096, false));
        assertTrue(store.hasUnfinished("q", "two"));
        assertEquals(new Usage(4000, 6000, 10_000), store.usage("q"));
        // A new plan of the same key may reuse the room of the one it resets.
        store.beginUpload("q", "two", 5000, 4096, false);
        assertEquals(new Usage(4000, 6000, 10_000), store.usage("q"));
    }

    @Test
    void uploadsUntouchedForTheirLifetimeAreSweptWithTheirFiles() throws Exception {
        store = new LocalBlobStore(root, w -> { }, false);
        store.configure(Duration.ofMillis(200), Quotas.NONE);
        store.beginUpload("u", "old", 10_000, 4096, false);
        Thread.sleep(300);
        store.beginUpload("u", "fresh", 10_000, 4096, false);
        store.sweepExpired();
        assertFalse(store.hasUnfinished("u", "old"));
        assertTrue(store.hasUnfinished("u", "fresh"));
        assertEquals(10_000, store.ledgerOutstanding());
        try (var parts = Files.walk(root)) {
            assertEquals(2, parts.filter(p -> p.toString().endsWith(".part") || p.toString().endsWith(".journal")).count());
        }
    }

    /** A block whose bytes start arriving after a pause. */
    private static final class SlowStream extends ByteArrayInputStream {
        private boolean paused;

        SlowStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (!paused) {
                paused = true;
                try {
                    Thread.sleep(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.read(b, off, len);
        }
    }

    /**
     * Two copies of the completing block at once: the second waits for the first to be recorded
     * and is answered "already held", never 408, and the block is written once.
     */
    @Test
    void aDuplicateOfTheCompletingBlockIsHeldNotRefused() throws Exception {
        store = new LocalBlobStore(root, w -> { }, false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                byte[] file = TestFiles.random(2 * 4096, round);
                UploadSession upload = store.beginUpload("u", "dup" + round, file.length, 4096, false);
                upload.writeBlock(0, new ByteArrayInputStream(TestFiles.block(file, 4096, 0)), 4096, null);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<BlockResult>> both = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    both.add(pool.submit(() -> {
                        start.await();
                        // Slow bytes: the other copy is surely waiting when this one is written.
                        return upload.writeBlock(1, new SlowStream(TestFiles.block(file, 4096, 1)), 4096, null);
                    }));
                }
                int completed = 0;
                for (Future<BlockResult> f : both) {
                    BlockResult r = f.get(); // an UploadRestartedException would surface here
                    if (r.completed() != null) {
                        completed++;
                        assertEquals(TestFiles.md5(file), r.completed().md5());
                    } else {
                        assertEquals(BlockResult.Outcome.ALREADY_HELD, r.outcome());
                    }
                }
                assertEquals(1, completed, "exactly one copy completes the file");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
