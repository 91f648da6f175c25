package org.fita.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inline files in the local store: group commit, and what a crash at each step of it leaves after a restart. */
class InlineStoreTest {
    @TempDir
    Path root;

    private LocalBlobStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private LocalBlobStore open() throws IOException {
        if (store != null) {
            store.close();
        }
        store = new LocalBlobStore(root, w -> { }, false);
        store.configure(Duration.ofDays(7), Quotas.NONE);
        return store;
    }

    private BlobStore.InlineResult put(String key, byte[] data, boolean replace) throws IOException {
        return store.storeInline("u", key, new ByteArrayInputStream(data), data.length, TestFiles.md5(data), replace);
    }

    @Test
    void manyWritersShareRoundsAndEveryFileIsStored() throws Exception {
        open();
        int writers = 16;
        int each = 20;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int n = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    byte[] data = TestFiles.random(100 + i, n * 100L + i);
                    assertEquals(BlobStore.InlineOutcome.STORED, put("w" + n + "/" + i, data, false).outcome());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertTrue(store.groupCommitRounds() <= writers * each, "one round per file at most");
        open(); // a restart reads what is on disk
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < each; i++) {
                byte[] data = TestFiles.random(100 + i, w * 100L + i);
                StoredFile f = store.stat("u", "w" + w + "/" + i).orElseThrow();
                assertEquals(TestFiles.md5(data), f.md5());
                assertArrayEquals(data, TestFiles.readBack(store, "u", f));
            }
        }
        try (var files = Files.list(store.space("u").files)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp") || p.toString().endsWith(".next")));
        }
    }

    @Test
    void aMismatchOrAnExistingKeyStoresNothing() throws IOException {
        open();
        byte[] data = TestFiles.random(500, 1);
        assertEquals(BlobStore.InlineOutcome.MD5_MISMATCH, store.storeInline("u", "k", new ByteArrayInputStream(data),
                data.length, TestFiles.md5(new byte[0]), false).outcome());
        assertTrue(store.stat("u", "k").isEmpty());
        assertEquals(BlobStore.InlineOutcome.STORED, put("k", data, false).outcome());
        assertEquals(BlobStore.InlineOutcome.EXISTS, put("k", TestFiles.random(600, 2), false).outcome());
        assertArrayEquals(data, TestFiles.readBack(store, "u", store.stat("u", "k").orElseThrow()));
    }

    /** A crash before the round renamed anything: the old file stands, the leftovers go. */
    @Test
    void aCrashBeforeTheRenamesLeavesTheOldFile() throws IOException {
        open();
        byte[] old = TestFiles.random(700, 3);
        put("r", old, false);
        UserSpace space = store.space("u");
        String name = StorageNames.encode("r");
        byte[] newer = TestFiles.random(900, 4);
        Files.write(space.inlineData(name), newer);
        InlineFiles.writeMeta(space.metaNext(name), new StoredFile("r", newer.length, TestFiles.md5(newer), 1), "test");

        open();

        StoredFile f = store.stat("u", "r").orElseThrow();
        assertEquals(TestFiles.md5(old), f.md5());
        assertArrayEquals(old, TestFiles.readBack(store, "u", f));
        space = store.space("u");
        assertTrue(Files.notExists(space.inlineData(name)));
        assertTrue(Files.notExists(space.metaNext(name)));
    }

    /** A crash between the two renames of a replacement: the new bytes are in place, so is their metadata after the restart. */
    @Test
    void aCrashBetweenTheRenamesFinishesWithTheNewFile() throws IOException {
        open();
        byte[] old = TestFiles.random(700, 5);
        put("r", old, false);
        UserSpace space = store.space("u");
        String name = StorageNames.encode("r");
        byte[] newer = TestFiles.random(900, 6);
        Files.write(space.blob(name), newer); // the bytes' rename happened
        InlineFiles.writeMeta(space.metaNext(name), new StoredFile("r", newer.length, TestFiles.md5(newer), 1), "test");

        open();

        StoredFile f = store.stat("u", "r").orElseThrow();
        assertEquals(TestFiles.md5(newer), f.md5());
        assertArrayEquals(newer, TestFiles.readBack(store, "u", f));
    }
}
