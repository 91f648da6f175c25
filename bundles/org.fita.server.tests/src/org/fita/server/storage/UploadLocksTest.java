package org.fita.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of an upload (block record, part file, kept blocks, hasher) under concurrent writers on
 * virtual threads: duplicates, out-of-order blocks and an abandon in the middle, on real files.
 */
class UploadLocksTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path root;

    private LocalBlobStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** Hands its bytes out a few at a time with pauses, so that a write stays in flight for a while. */
    private static final class SlowStream extends InputStream {
        private final byte[] bytes;
        private final CountDownLatch started;
        private int at;

        SlowStream(byte[] bytes, CountDownLatch started) {
            this.bytes = bytes;
            this.started = started;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == bytes.length) {
                return -1;
            }
            started.countDown();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = Math.min(Math.min(len, 8192), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }

    private byte[] read(StoredFile file) throws IOException {
        return TestFiles.readBack(store, "u", file);
    }

    @Test
    void duplicatedShuffledBlocksOnVirtualThreadsStoreTheFileOnceAndGiveEveryBufferBack() throws Exception {
        // A small pool: some blocks are kept for the hasher, the others stream and are read back.
        BlockBuffers buffers = new BlockBuffers(4L * BLOCK);
        store = new LocalBlobStore(root, w -> { }, buffers, false);
        byte[] file = TestFiles.random(128 * BLOCK + 777, 3);
        UploadSession upload = store.beginUpload("u", "shuffled", file.length, BLOCK, false);
        List<Long> sends = new ArrayList<>();
        for (long i = 0; i < upload.totalBlocks(); i++) {
            sends.add(i);
            sends.add(i);
        }
        Collections.shuffle(sends, new Random(5));
        List<Future<BlockResult>> results = new ArrayList<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long index : sends) {
                results.add(writers.submit(() -> {
                    byte[] block = TestFiles.block(file, BLOCK, index);
                    return upload.writeBlock(index, new ByteArrayInputStream(block), block.length, null);
                }));
            }
        }
        StoredFile done = null;
        int stored = 0;
        for (Future<BlockResult> f : results) {
            BlockResult r = f.get(30, TimeUnit.SECONDS);
            if (r.outcome() == BlockResult.Outcome.STORED) {
                stored++;
            } else {
                assertEquals(BlockResult.Outcome.ALREADY_HELD, r.outcome());
            }
            if (r.completed() != null) {
                assertTrue(done == null, "exactly one block completes the file");
                done = r.completed();
            }
        }
        assertEquals(upload.totalBlocks(), stored, "each block is written once");
        assertNotNull(done, "the file completed");
        assertEquals(TestFiles.md5(file), done.md5());
        assertArrayEquals(file, read(done));
        assertEquals(0, buffers.lent(), "every block buffer is back in the pool");
        assertEquals(0, store.ledgerOutstanding());
    }

    @Test
    void deletingAnUploadUnderWritersFailsThemTypedAndLeavesNothingBehind() throws Exception {
        BlockBuffers buffers = new BlockBuffers(8L * BLOCK);
        store = new LocalBlobStore(root, w -> { }, buffers, false);
        byte[] file = TestFiles.random(32 * BLOCK, 4);
        UploadSession upload = store.beginUpload("u", "doomed", file.length, BLOCK, false);
        // Blocks 1 to 8 arrive whole and wait in memory for the hasher, which waits for block 0.
        for (long i = 1; i <= 8; i++) {
            byte[] block = TestFiles.block(file, BLOCK, i);
            assertEquals(BlockResult.Outcome.STORED,
                    upload.writeBlock(i, new ByteArrayInputStream(block), block.length, null).outcome());
        }
        assertEquals(8L * BLOCK, buffers.lent(), "the written blocks are kept for the hasher");
        CountDownLatch started = new CountDownLatch(16);
        List<Future<BlockResult>> results = new ArrayList<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 9; i < upload.totalBlocks(); i++) {
                long index = i;
                results.add(writers.submit(() -> upload.writeBlock(index,
                        new SlowStream(TestFiles.block(file, BLOCK, index), started), BLOCK, null)));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "writers are receiving blocks");
            assertTrue(store.deleteUnfinished("u", "doomed"));
        }
        int refused = 0;
        for (Future<BlockResult> f : results) {
            try {
                BlockResult r = f.get(30, TimeUnit.SECONDS);
                assertEquals(BlockResult.Outcome.STORED, r.outcome(), "a block written before the delete is stored");
                assertEquals(null, r.completed(), "a deleted upload never completes");
            } catch (ExecutionException e) {
                assertInstanceOf(UploadRestartedException.class, e.getCause(), "or is refused as restarted");
                refused++;
            }
        }
        assertTrue(refused > 0, "the delete came while blocks were in flight");
        assertEquals(0, buffers.lent(), "every block buffer is back in the pool");
        assertEquals(0, store.ledgerOutstanding(), "the deleted upload promises nothing");
        assertFalse(store.hasUnfinished("u", "doomed"));
        try (Stream<Path> left = Files.walk(root)) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".part") || p.toString().endsWith(".journal"))
                    .toList(), "no part or journal file is left");
        }
        // The key takes a new plan, which completes.
        UploadSession again = store.beginUpload("u", "doomed", file.length, BLOCK, false);
        StoredFile done = null;
        for (long i = 0; i < again.totalBlocks(); i++) {
            byte[] block = TestFiles.block(file, BLOCK, i);
            done = again.writeBlock(i, new ByteArrayInputStream(block), block.length, null).completed();
        }
        assertNotNull(done);
        assertEquals(TestFiles.md5(file), done.md5());
    }
}
