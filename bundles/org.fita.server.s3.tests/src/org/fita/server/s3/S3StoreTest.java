package org.fita.server.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.fita.protocol.Blocks;
import org.fita.server.storage.Quotas;
import org.fita.server.storage.StoredFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** What only the S3 store has: its memory bound, its key mapping, and what it leaves in the bucket. */
class S3StoreTest {
    @TempDir
    static Path tmp;
    static S3ProxyProcess proxy;
    static int buckets;
    S3Location where;
    S3BlobStore store;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = S3ProxyProcess.start(tmp.resolve("s3"));
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.close();
    }

    @BeforeEach
    void newBucket() {
        String bucket = "store-" + (++buckets);
        where = proxy.location(bucket, "p/");
        try (S3Client s3 = proxy.client(where)) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    S3BlobStore open(long memory) throws Exception {
        store = new S3BlobStore(proxy.client(where), where, w -> { }, memory);
        store.configure(Duration.ofDays(1), Quotas.NONE);
        return store;
    }

    List<String> objects(String under) {
        try (S3Client s3 = proxy.client(where)) {
            return s3.listObjectsV2(r -> r.bucket(where.bucket()).prefix(under)).contents().stream()
                    .map(o -> o.key()).toList();
        }
    }

    @Test
    void withNoMemoryToGatherInEveryBlockGoesAloneAndTheFileIsStillRight() throws Exception {
        open(256 << 10); // less than one window: every block is written on its own
        int blockSize = 64 << 10;
        byte[] file = BlobStoreContract.bytes((3 << 20) + 5, 1);
        List<Long> order = BlobStoreContract.inOrder(Blocks.totalBlocks(file.length, blockSize));
        Collections.shuffle(order, new Random(2));
        StoredFile done = BlobStoreContract.upload(store, "tight", file, blockSize, order);
        assertNotNull(done);
        assertEquals(BlobStoreContract.md5(file), done.md5());
        assertArrayEquals(file, BlobStoreContract.readAll(store, BlobStoreContract.USER, done));
        assertEquals(0, store.budget().used(), "every window's memory is given back");
        assertEquals(List.of(), objects("p/plans/"));
        assertEquals(List.of(), objects("p/blocks/"));
    }

    @Test
    void memoryIsGivenBackWhenUploadsAreDeletedOrReset() throws Exception {
        open(64 << 20);
        byte[] file = BlobStoreContract.bytes(1 << 20, 3);
        var s = store.beginUpload(BlobStoreContract.USER, "k", file.length, 4096, false);
        for (long i = 0; i < 10; i++) {
            BlobStoreContract.put(s, i, file);
        }
        assertTrue(store.budget().used() > 0);
        store.beginUpload(BlobStoreContract.USER, "k", file.length, 4096, false);
        assertEquals(0, store.budget().used());
        var again = store.beginUpload(BlobStoreContract.USER, "k2", file.length, 4096, false);
        BlobStoreContract.put(again, 0, file);
        store.deleteUnfinished(BlobStoreContract.USER, "k2");
        assertEquals(0, store.budget().used());
        store.deleteUnfinished(BlobStoreContract.USER, "k");
        assertEquals(List.of(), objects("p/plans/"));
        assertEquals(List.of(), objects("p/blocks/"));
    }

    @Test
    void aKeyOfTheLongestLengthIsStoredAndListed() throws Exception {
        open(64 << 20);
        String longKey = "k/" + "\u00e9".repeat(511); // 1024 bytes of UTF-8
        byte[] file = BlobStoreContract.bytes(5000, 4);
        StoredFile done = BlobStoreContract.upload(store, longKey, file, 4096, List.of(0L, 1L));
        assertEquals(longKey, done.key());
        assertEquals(longKey, store.stat(BlobStoreContract.USER, longKey).orElseThrow().key());
        assertEquals(List.of(longKey), store.list(BlobStoreContract.USER, "k/", null, 10).files().stream()
                .map(StoredFile::key).toList());
        assertTrue(objects("p/files/").get(0).length() <= 1024);
    }

    @Test
    void keysAreHexInByteOrder() {
        assertEquals("612f62.", S3Keys.key("a/b"));
        assertEquals("a/b", S3Keys.decodeKey("612f62."));
        String long100 = "x".repeat(150);
        assertEquals(long100, S3Keys.decodeKey(S3Keys.key(long100)));
        assertTrue(S3Keys.key(long100).contains("/"));
        assertTrue(S3Keys.key("x".repeat(100)).compareTo(S3Keys.key(long100)) < 0);
        assertTrue(S3Keys.key(long100).startsWith(S3Keys.keyPrefix("x".repeat(120))));
        assertTrue(S3Keys.key("a").compareTo(S3Keys.key("a/b")) < 0);
        assertTrue(S3Keys.key("a/b").compareTo(S3Keys.key("b")) < 0);
        assertTrue(S3Keys.key("a/b").startsWith(S3Keys.keyPrefix("a/")));
    }
}
