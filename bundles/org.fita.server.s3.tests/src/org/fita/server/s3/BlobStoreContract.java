package org.fita.server.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.BlockResult;
import org.fita.server.storage.ListPage;
import org.fita.server.storage.QuotaExceededException;
import org.fita.server.storage.Quotas;
import org.fita.server.storage.StoredFile;
import org.fita.server.storage.UploadRestartedException;
import org.fita.server.storage.UploadSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} must do, run against each implementation by a subclass. A store is
 * opened with {@link #open(Quotas)}; {@link #reopen} closes it and opens it again on the same
 * storage (as a restarted server would).
 */
abstract class BlobStoreContract {
    static final int BLOCK = Blocks.CLASSIC_BLOCK_SIZE;
    static final String USER = "alice";

    BlobStore store;

    abstract BlobStore open(Quotas quotas) throws Exception;

    BlobStore reopen(Quotas quotas) throws Exception {
        store.close();
        store = open(quotas);
        return store;
    }

    @AfterEach
    void closeStore() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    static BlockResult put(UploadSession s, long i, byte[] file) throws IOException {
        int len = Blocks.length(file.length, s.blockSize(), i);
        return s.writeBlock(i, new ByteArrayInputStream(file, (int) (i * s.blockSize()), len), len, null);
    }

    static byte[] readAll(BlobStore store, String user, StoredFile f) throws IOException {
        byte[] out = new byte[(int) f.size()];
        try (BlobReader r = store.open(user, f)) {
            // Reads in blocks as a download does, then one stretch from the middle.
            int pos = 0;
            while (pos < out.length) {
                int n = r.read(pos, ByteBuffer.wrap(out, pos, Math.min(BLOCK, out.length - pos)));
                assertTrue(n > 0);
                pos += n;
            }
            if (out.length > 10) {
                ByteBuffer mid = ByteBuffer.allocate(5);
                r.read(3, mid);
                assertArrayEquals(java.util.Arrays.copyOfRange(out, 3, 8), mid.array());
            }
            assertEquals(-1, r.read(out.length, ByteBuffer.allocate(1)));
        }
        return out;
    }

    /** Uploads a whole file in the given block order; returns the file the last block completed. */
    static StoredFile upload(BlobStore store, String key, byte[] file, int blockSize, List<Long> order)
            throws IOException {
        UploadSession s = store.beginUpload(USER, key, file.length, blockSize, false);
        StoredFile done = null;
        for (long i : order) {
            BlockResult r = put(s, i, file);
            if (r.completed() != null) {
                done = r.completed();
            }
        }
        return done;
    }

    static List<Long> inOrder(long n) {
        List<Long> order = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            order.add(i);
        }
        return order;
    }

    @Test
    void aSmallFileSentWholeIsStoredOnceCheckedAndReplacedOnlyWhenAsked() throws Exception {
        store = open(Quotas.NONE);
        byte[] first = bytes(10_000, 7);
        BlobStore.InlineResult stored = store.storeInline(USER, "small/a", new ByteArrayInputStream(first), first.length,
                md5(first), false);
        assertEquals(BlobStore.InlineOutcome.STORED, stored.outcome());
        assertEquals(md5(first), stored.file().md5());
        StoredFile seen = store.stat(USER, "small/a").orElseThrow();
        assertEquals(first.length, seen.size());
        assertEquals(md5(first), seen.md5());
        assertArrayEquals(first, readAll(store, USER, seen));

        byte[] second = bytes(3_000, 8);
        assertEquals(BlobStore.InlineOutcome.EXISTS, store.storeInline(USER, "small/a", new ByteArrayInputStream(second),
                second.length, md5(second), false).outcome());
        assertEquals(BlobStore.InlineOutcome.MD5_MISMATCH, store.storeInline(USER, "small/b",
                new ByteArrayInputStream(second), second.length, md5(first), false).outcome());
        assertTrue(store.stat(USER, "small/b").isEmpty(), "nothing stored on a wrong MD5");

        assertEquals(BlobStore.InlineOutcome.STORED, store.storeInline(USER, "small/a", new ByteArrayInputStream(second),
                second.length, md5(second), true).outcome());
        assertArrayEquals(second, readAll(store, USER, store.stat(USER, "small/a").orElseThrow()));
    }

    @Test
    void anEmptyStoreHasNothing() throws Exception {
        store = open(Quotas.NONE);
        assertTrue(store.stat(USER, "x").isEmpty());
        assertFalse(store.hasUnfinished(USER, "x"));
        assertTrue(store.findUpload(USER, "x").isEmpty());
        assertTrue(store.list(USER, null, null, 10).files().isEmpty());
        assertFalse(store.deleteFile(USER, "x"));
        assertFalse(store.deleteUnfinished(USER, "x"));
        assertEquals(0, store.usage(USER).usedBytes());
    }

    @Test
    void blocksInOrderMakeTheFileWithItsOwnMd5() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(5 * BLOCK + 123, 1);
        StoredFile done = upload(store, "a/b.bin", file, BLOCK, inOrder(6));
        assertNotNull(done, "the last block completes the file");
        assertEquals(md5(file), done.md5());
        assertEquals(file.length, done.size());
        StoredFile stat = store.stat(USER, "a/b.bin").orElseThrow();
        assertEquals(md5(file), stat.md5());
        assertArrayEquals(file, readAll(store, USER, stat));
        assertFalse(store.hasUnfinished(USER, "a/b.bin"));
    }

    @Test
    void blocksOutOfOrderAndTwiceStillMakeTheFile() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(40 * 4096 + 7, 2);
        long n = Blocks.totalBlocks(file.length, 4096);
        List<Long> order = inOrder(n);
        Collections.shuffle(order, new Random(3));
        UploadSession s = store.beginUpload(USER, "shuffled", file.length, 4096, false);
        StoredFile done = null;
        for (int k = 0; k < order.size(); k++) {
            long i = order.get(k);
            BlockResult r = put(s, i, file);
            assertEquals(BlockResult.Outcome.STORED, r.outcome());
            if (k == 3) {
                assertEquals(BlockResult.Outcome.ALREADY_HELD, put(s, order.get(1), file).outcome());
            }
            if (r.completed() != null) {
                done = r.completed();
            }
        }
        assertNotNull(done);
        assertEquals(md5(file), done.md5());
        assertArrayEquals(file, readAll(store, USER, store.stat(USER, "shuffled").orElseThrow()));
    }

    @Test
    void aWrongCrcIsNotRecorded() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(2 * BLOCK, 4);
        UploadSession s = store.beginUpload(USER, "crc", file.length, BLOCK, false);
        CRC32C crc = new CRC32C();
        crc.update(file, 0, BLOCK);
        int good = (int) crc.getValue();
        assertEquals(BlockResult.Outcome.CHECKSUM_MISMATCH,
                s.writeBlock(0, new ByteArrayInputStream(file, 0, BLOCK), BLOCK, good + 1).outcome());
        assertEquals(0, s.receivedCount());
        assertEquals(BlockResult.Outcome.STORED,
                s.writeBlock(0, new ByteArrayInputStream(file, 0, BLOCK), BLOCK, good).outcome());
        assertEquals(1, s.receivedCount());
    }

    @Test
    void anUploadResumesAfterTheStoreIsOpenedAgain() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(10 * BLOCK, 5);
        UploadSession s = store.beginUpload(USER, "resumed", file.length, BLOCK, false);
        for (long i : List.of(0L, 1L, 2L, 7L)) {
            put(s, i, file);
        }
        reopen(Quotas.NONE);
        assertTrue(store.hasUnfinished(USER, "resumed"));
        assertTrue(store.stat(USER, "resumed").isEmpty());
        UploadSession again = store.beginUpload(USER, "resumed", file.length, BLOCK, true);
        BitSet held = BitSet.valueOf(again.receivedBitmap());
        assertEquals(BitSet.valueOf(new long[] {0b10000111}), held);
        assertEquals(4, again.receivedCount());
        StoredFile done = null;
        for (long i = 0; i < 10; i++) {
            if (!held.get((int) i)) {
                BlockResult r = put(again, i, file);
                done = r.completed() != null ? r.completed() : done;
            }
        }
        assertNotNull(done);
        assertEquals(md5(file), done.md5());
        assertArrayEquals(file, readAll(store, USER, done));
    }

    @Test
    void aPlanWithoutResumeStartsEmpty() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(4 * BLOCK, 6);
        UploadSession s = store.beginUpload(USER, "k", file.length, BLOCK, false);
        put(s, 0, file);
        UploadSession fresh = store.beginUpload(USER, "k", file.length, BLOCK, false);
        assertEquals(0, fresh.receivedCount());
        assertThrows(UploadRestartedException.class, () -> put(s, 1, file));
        UploadSession otherSize = store.beginUpload(USER, "k", file.length - 1, BLOCK, true);
        assertEquals(0, otherSize.receivedCount());
    }

    @Test
    void aDeletedUploadIsGoneAndItsWritersFail() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(3 * BLOCK, 7);
        UploadSession s = store.beginUpload(USER, "gone", file.length, BLOCK, false);
        put(s, 0, file);
        assertTrue(store.deleteUnfinished(USER, "gone"));
        assertFalse(store.hasUnfinished(USER, "gone"));
        assertTrue(store.findUpload(USER, "gone").isEmpty());
        assertThrows(UploadRestartedException.class, () -> put(s, 1, file));
        assertEquals(0, store.usage(USER).promisedBytes());
    }

    @Test
    void dataRecordsAreSavedOnce() throws Exception {
        store = open(Quotas.NONE);
        JsonObject record = new JsonObject();
        record.addProperty("name", "value");
        assertTrue(store.saveData(USER, "rec", record));
        assertFalse(store.saveData(USER, "rec", new JsonObject()));
        assertEquals("value", store.getData(USER, "rec").orElseThrow().get("name").getAsString());
        assertTrue(store.getData("bob", "rec").isEmpty());
        assertTrue(store.deleteData(USER, "rec"));
        assertFalse(store.deleteData(USER, "rec"));
        assertTrue(store.getData(USER, "rec").isEmpty());
    }

    @Test
    void listingPagesInKeyOrderWithAPrefix() throws Exception {
        store = open(Quotas.NONE);
        List<String> names = List.of("b/2", "a", "b/1", "b/10", "c", "b0", "\u00e9t\u00e9");
        for (String k : names) {
            store.storeEmpty(USER, k);
        }
        store.storeEmpty("bob", "b/3");
        List<String> all = new ArrayList<>();
        String after = null;
        do {
            ListPage page = store.list(USER, null, after, 2);
            assertTrue(page.files().size() <= 2);
            page.files().forEach(f -> all.add(f.key()));
            after = page.nextAfter();
        } while (after != null);
        assertEquals(names.stream().sorted().toList(), all);
        ListPage b = store.list(USER, "b/", null, 10);
        assertEquals(List.of("b/1", "b/10", "b/2"), b.files().stream().map(StoredFile::key).toList());
        assertNull(b.nextAfter());
        ListPage afterFirst = store.list(USER, "b/", "b/1", 1);
        assertEquals(List.of("b/10"), afterFirst.files().stream().map(StoredFile::key).toList());
        assertEquals("b/10", afterFirst.nextAfter());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", b.files().get(0).md5());
    }

    @Test
    void aDeletedFileIsGone() throws Exception {
        store = open(Quotas.NONE);
        byte[] file = bytes(BLOCK + 1, 8);
        upload(store, "del", file, BLOCK, inOrder(2));
        assertTrue(store.deleteFile(USER, "del"));
        assertTrue(store.stat(USER, "del").isEmpty());
        assertFalse(store.deleteFile(USER, "del"));
    }

    @Test
    void quotasCountFilesRecordsAndPlans() throws Exception {
        store = open(user -> 10 * BLOCK);
        byte[] file = bytes(4 * BLOCK, 9);
        upload(store, "one", file, BLOCK, inOrder(4));
        assertEquals(4 * BLOCK, store.usage(USER).storedBytes());
        store.beginUpload(USER, "two", 4 * BLOCK, BLOCK, false);
        assertEquals(4 * BLOCK, store.usage(USER).promisedBytes());
        QuotaExceededException e = assertThrows(QuotaExceededException.class,
                () -> store.beginUpload(USER, "three", 3 * BLOCK, BLOCK, false));
        assertEquals(8 * BLOCK, e.used());
        assertFalse(store.hasUnfinished(USER, "three"));
        // A new plan of the same key replaces the old one's promise rather than adding to it.
        store.beginUpload(USER, "two", 6 * BLOCK, BLOCK, false);
        assertEquals(10 * BLOCK, store.usage(USER).usedBytes());
    }

    @Test
    void smallFilesStoredAtOnceCannotPassTheQuotaTogether() throws Exception {
        int size = 10_000;
        store = open(user -> 3L * size);
        int files = 6;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<BlobStore.InlineOutcome>> outcomes = new ArrayList<>();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(files)) {
            for (int i = 0; i < files; i++) {
                byte[] data = bytes(size, 40 + i);
                String key = "burst/" + i;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        return store.storeInline(USER, key, new ByteArrayInputStream(data), size, md5(data), false)
                                .outcome();
                    } catch (QuotaExceededException refused) {
                        return null;
                    }
                }));
            }
            start.countDown();
            int stored = 0;
            for (var outcome : outcomes) {
                if (outcome.get(60, java.util.concurrent.TimeUnit.SECONDS) == BlobStore.InlineOutcome.STORED) {
                    stored++;
                }
            }
            assertEquals(3, stored, "as many files as the quota holds, and no more");
        }
        assertEquals(3L * size, store.usage(USER).storedBytes());
    }

    @Test
    void aReplacementLeavesTheOldFileReadableUntilItCompletes() throws Exception {
        store = open(Quotas.NONE);
        byte[] old = bytes(2 * BLOCK, 10);
        byte[] next = bytes(3 * BLOCK, 11);
        upload(store, "r", old, BLOCK, inOrder(2));
        UploadSession s = store.beginUpload(USER, "r", next.length, BLOCK, false, true);
        put(s, 0, next);
        put(s, 1, next);
        assertEquals(md5(old), store.stat(USER, "r").orElseThrow().md5());
        assertTrue(store.hasUnfinished(USER, "r"));
        StoredFile done = put(s, 2, next).completed();
        assertEquals(md5(next), done.md5());
        assertArrayEquals(next, readAll(store, USER, store.stat(USER, "r").orElseThrow()));
    }

    @Test
    void aLargerFileOfManyPartsInAnyOrder() throws Exception {
        store = open(Quotas.NONE);
        // 20 MiB of 64 KiB blocks: more than two 8 MiB parts, sent in a jumbled order.
        int blockSize = 64 << 10;
        byte[] file = bytes((20 << 20) + 999, 12);
        long n = Blocks.totalBlocks(file.length, blockSize);
        List<Long> order = inOrder(n);
        Collections.shuffle(order.subList(100, (int) n), new Random(13));
        StoredFile done = upload(store, "big", file, blockSize, order);
        assertNotNull(done);
        assertEquals(md5(file), done.md5());
        assertArrayEquals(file, readAll(store, USER, store.stat(USER, "big").orElseThrow()));
    }

    @Test
    void anEmptyFileIsStoredAtOnce() throws Exception {
        store = open(Quotas.NONE);
        StoredFile f = store.storeEmpty(USER, "empty");
        assertEquals(0, f.size());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", store.stat(USER, "empty").orElseThrow().md5());
    }
}
