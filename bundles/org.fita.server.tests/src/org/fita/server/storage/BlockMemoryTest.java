package org.fita.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks received whole into shared buffers, hashed from memory, and (for large uploads) written
 * with direct I/O: on real files, through the store's own API.
 */
class BlockMemoryTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path root;

    private LocalBlobStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static BlockResult write(UploadSession upload, byte[] file, long index) throws IOException {
        byte[] block = TestFiles.block(file, upload.blockSize(), index);
        CRC32C crc = new CRC32C();
        crc.update(block);
        return upload.writeBlock(index, new ByteArrayInputStream(block), block.length, (int) crc.getValue());
    }

    private static StoredFile writeInOrder(UploadSession upload, byte[] file) throws IOException {
        StoredFile done = null;
        for (long i = 0; i < upload.totalBlocks(); i++) {
            done = write(upload, file, i).completed();
        }
        return done;
    }

    /** The finished file has the uploaded bytes, and the MD5 the store computed is theirs. */
    private void assertStored(byte[] file, StoredFile done) throws IOException {
        assertNotNull(done, "the last block completed the upload");
        assertEquals(TestFiles.md5(file), done.md5());
        assertArrayEquals(file, read(done));
    }

    private byte[] read(StoredFile file) throws IOException {
        return TestFiles.readBack(store, "u1", file);
    }

    @Test
    void aLargeUploadInOrderIsStoredAndHashedRightAndGivesEveryBufferBack() throws IOException {
        BlockBuffers buffers = new BlockBuffers(16 * MIB);
        store = new LocalBlobStore(root, w -> { }, buffers, true);
        byte[] file = TestFiles.random(24 * MIB + 1234, 1);
        UploadSession upload = store.beginUpload("u1", "big", file.length, MIB, false);
        StoredFile done = null;
        for (long i = 0; i < upload.totalBlocks(); i++) {
            BlockResult r = write(upload, file, i);
            assertEquals(BlockResult.Outcome.STORED, r.outcome());
            done = r.completed();
        }
        assertStored(file, done);
        assertEquals(0, buffers.lent(), "every block buffer is back in the pool");
        assertTrue(buffers.allocated() <= 16 * MIB);
        assertTrue(buffers.allocated() > 0, "blocks went through the pool, not the streaming path");
    }

    /** A block size that is no multiple of 4 KiB: its buffer once came out a page short, and every block failed. */
    @Test
    void aBlockSizeOffThePageGridIsReceivedWhole() throws IOException {
        BlockBuffers buffers = new BlockBuffers(16 * MIB);
        store = new LocalBlobStore(root, w -> { }, buffers, true);
        byte[] file = TestFiles.random(3 * 300_000 + 17, 8);
        UploadSession upload = store.beginUpload("u1", "odd", file.length, 300_000, false);
        assertStored(file, writeInOrder(upload, file));
        assertTrue(buffers.allocated() > 0, "blocks went through the pool");
        ByteBuffer odd = buffers.take(300_000);
        assertEquals(300_000, odd.capacity());
        assertEquals(0, odd.alignmentOffset(0, BlockBuffers.ALIGNMENT));
    }

    /** A large file read back whole-block-wise the way downloads read it: past the page cache, same bytes. */
    @Test
    void aLargeStoredFileReadsBackTheSameInAlignedWholeBlocks() throws IOException {
        store = new LocalBlobStore(root, w -> { }, true);
        byte[] file = TestFiles.random(17 * MIB + 1234, 9);
        StoredFile done = writeInOrder(store.beginUpload("u1", "whole", file.length, MIB, false), file);
        ByteBuffer block = ByteBuffer.allocateDirect(2 * MIB).alignedSlice(BlockBuffers.ALIGNMENT);
        byte[] back = new byte[file.length];
        try (BlobReader reader = store.open("u1", done)) {
            for (int at = 0; at < file.length; at += MIB) {
                block.clear().limit(Math.min(MIB, file.length - at));
                while (block.hasRemaining()) {
                    assertTrue(reader.read(at + block.position(), block) > 0);
                }
                block.flip().get(back, at, block.remaining());
            }
        }
        assertArrayEquals(file, back);
    }

    @Test
    void largeUploadsWriteDirectlyWhereTheFileSystemAllowsIt() throws IOException {
        store = new LocalBlobStore(root, w -> { }, true);
        byte[] file = TestFiles.random(20 * MIB + 7, 2);
        LocalUpload upload = (LocalUpload) store.beginUpload("u1", "direct", file.length, MIB, false);
        assertStored(file, writeInOrder(upload, file));
        Assumptions.assumeTrue(upload.usesDirectIo(), "the file system of " + root + " has no direct I/O");
        LocalUpload small = (LocalUpload) store.beginUpload("u1", "small", MIB, MIB, false);
        assertTrue(!small.usesDirectIo(), "a small upload writes through the page cache");
    }

    @Test
    void aStoreToldNotToUsesThePageCacheForLargeUploadsToo() throws IOException {
        store = new LocalBlobStore(root, w -> { }, false);
        byte[] file = TestFiles.random(20 * MIB + 7, 7);
        LocalUpload upload = (LocalUpload) store.beginUpload("u1", "cached", file.length, MIB, false);
        assertTrue(!upload.usesDirectIo());
        assertStored(file, writeInOrder(upload, file));
    }

    @Test
    void withNoBufferFreeBlocksStreamToDiskAndTheHasherReadsThemBack() throws IOException {
        BlockBuffers none = new BlockBuffers(0);
        store = new LocalBlobStore(root, w -> { }, none, true);
        byte[] file = TestFiles.random(18 * MIB + 5, 3);
        UploadSession upload = store.beginUpload("u1", "streamed", file.length, MIB, false);
        assertStored(file, writeInOrder(upload, file));
        assertEquals(0, none.allocated());
    }

    /**
     * Blocks far ahead of the hasher on one connection, in reverse: a writer must not wait for a
     * block that can only arrive after its own (that would be two seconds per block here).
     */
    @Test
    void blocksInReverseOrderBeyondTheHashersReachDoNotWait() throws IOException {
        BlockBuffers buffers = new BlockBuffers(64 * MIB);
        store = new LocalBlobStore(root, w -> { }, buffers, true);
        int blockSize = 256 << 10;
        byte[] file = TestFiles.random(48 * MIB + 99, 4);
        UploadSession upload = store.beginUpload("u1", "reverse", file.length, blockSize, false);
        StoredFile done = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            StoredFile last = null;
            for (long i = upload.totalBlocks() - 1; i >= 0; i--) {
                last = write(upload, file, i).completed();
            }
            return last;
        });
        assertStored(file, done);
        assertEquals(0, buffers.lent());
    }

    @Test
    void blocksFromManyWritersAtOnceAndRepeatedOnesMakeTheRightFile() throws Exception {
        BlockBuffers buffers = new BlockBuffers(8 * MIB);
        store = new LocalBlobStore(root, w -> { }, buffers, true);
        byte[] file = TestFiles.random(40 * MIB + 3, 5);
        UploadSession upload = store.beginUpload("u1", "parallel", file.length, MIB, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BlockResult>> results = new ArrayList<>();
            for (long i = 0; i < upload.totalBlocks(); i++) {
                long index = i;
                results.add(pool.submit(() -> write(upload, file, index)));
                if (i % 5 == 0) {
                    results.add(pool.submit(() -> write(upload, file, index)));
                }
            }
            StoredFile done = null;
            for (Future<BlockResult> r : results) {
                StoredFile completed = r.get().completed();
                done = completed != null ? completed : done;
            }
            assertStored(file, done);
            assertEquals(0, buffers.lent(), "repeated blocks give their buffer back too");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAbandonedUploadGivesItsBuffersBack() throws IOException {
        BlockBuffers buffers = new BlockBuffers(16 * MIB);
        store = new LocalBlobStore(root, w -> { }, buffers, true);
        byte[] file = TestFiles.random(20 * MIB, 6);
        UploadSession upload = store.beginUpload("u1", "dropped", file.length, MIB, false);
        // Block 0 never comes: the hasher cannot start, so the written blocks wait in memory.
        for (long i = 1; i < 6; i++) {
            write(upload, file, i);
        }
        assertTrue(buffers.lent() > 0, "blocks past a gap wait in memory for the hasher");
        store.deleteUnfinished("u1", "dropped");
        assertEquals(0, buffers.lent());
        assertTrue(store.findUpload("u1", "dropped").isEmpty());
    }

    @Test
    void thePoolKeepsItsBudgetReusesBuffersAndLetsIdleOnesGo() throws InterruptedException {
        BlockBuffers buffers = new BlockBuffers(3 * MIB);
        ByteBuffer a = buffers.take(MIB);
        ByteBuffer b = buffers.take(MIB);
        ByteBuffer c = buffers.take(MIB);
        assertTrue(a.isDirect() && a.alignmentOffset(0, BlockBuffers.ALIGNMENT) == 0, "ready for direct I/O");
        assertNull(buffers.take(MIB), "past the budget there is no buffer, not an allocation");
        buffers.give(b);
        assertSame(b, buffers.take(MIB), "a given-back buffer is used again");
        buffers.give(a);
        buffers.give(b);
        buffers.give(c);
        ByteBuffer big = buffers.take(2 * MIB);
        assertNotNull(big, "free buffers of another size make room");
        assertNotSame(a, big);
        assertEquals(2 * MIB, big.capacity());
        assertTrue(buffers.allocated() <= 3 * MIB);
        buffers.give(big);
        assertEquals(0, buffers.lent());
        buffers.dropFreeIfIdle(Duration.ofHours(1).toNanos());
        assertTrue(buffers.allocated() > 0, "recently used buffers stay");
        Thread.sleep(5);
        buffers.dropFreeIfIdle(1);
        assertEquals(0, buffers.allocated());
    }
}
