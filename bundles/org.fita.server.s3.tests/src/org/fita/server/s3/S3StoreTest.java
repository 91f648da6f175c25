package org.fita.server.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.fita.protocol.Blocks;
import org.fita.server.storage.Quotas;
import org.fita.server.storage.StoredFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;

/** What only the S3 store has: its memory bound, its key mapping, and what it leaves in the bucket. */
class S3StoreTest {
    @TempDir
    static Path tmp;
    static S3ProxyProcess proxy;
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
        where = proxy.newBucket("store", "p/");
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
    void smallFilesInARowAreCountedAgainstTheQuotaWithoutListingEveryFileEachTime() throws Exception {
        open(64 << 20);
        int size = 1000;
        store.configure(Duration.ofDays(1), user -> 20L * size); // room for 20 files
        long started = System.nanoTime();
        long before = store.storedBytesListings();
        for (int i = 0; i < 20; i++) {
            byte[] file = BlobStoreContract.bytes(size, i);
            var stored = store.storeInline(BlobStoreContract.USER, "many/" + i, new java.io.ByteArrayInputStream(file),
                    size, BlobStoreContract.md5(file), false);
            assertEquals(org.fita.server.storage.BlobStore.InlineOutcome.STORED, stored.outcome(), "file " + i);
        }
        // The 21st does not fit, though the snapshot was listed before most of the 20 were stored.
        byte[] extra = BlobStoreContract.bytes(size, 99);
        org.junit.jupiter.api.Assertions.assertThrows(org.fita.server.storage.QuotaExceededException.class,
                () -> store.storeInline(BlobStoreContract.USER, "many/extra", new java.io.ByteArrayInputStream(extra),
                        size, BlobStoreContract.md5(extra), false));
        long listings = store.storedBytesListings() - before;
        // One listing, and one more for every time the snapshot went stale while the files were stored.
        long allowed = 1 + (System.nanoTime() - started) / StoredBytes.FRESH_NANOS;
        assertTrue(listings <= allowed, listings + " listings of every file for 21 small files; at most " + allowed);
        assertEquals(20L * size, store.usage(BlobStoreContract.USER).storedBytes());

        // A deleted file gives its room back at once: the change is not one this server counts, so it lists again.
        store.deleteFile(BlobStoreContract.USER, "many/0");
        var again = store.storeInline(BlobStoreContract.USER, "many/extra", new java.io.ByteArrayInputStream(extra),
                size, BlobStoreContract.md5(extra), false);
        assertEquals(org.fita.server.storage.BlobStore.InlineOutcome.STORED, again.outcome());
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
    void aConditionalWriteWhoseAnswerIsLostCountsAsWrittenOnce() throws Exception {
        // The first answer to the conditional PUT of a DATA record is turned into a 503 on its way back,
        // as a dropped connection or a proxy would: the SDK sends the PUT again, and the store finds the
        // object its first attempt made (412).
        AtomicInteger dataPuts = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutionInterceptor loseFirstAnswer = new ExecutionInterceptor() {
            @Override
            public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse c, ExecutionAttributes a) {
                SdkHttpRequest r = c.httpRequest();
                if (r.method() != SdkHttpMethod.PUT || !r.encodedPath().contains("/data/")) {
                    return c.httpResponse();
                }
                if (c.httpResponse().statusCode() == 412) {
                    refused.incrementAndGet();
                }
                if (dataPuts.incrementAndGet() == 1 && c.httpResponse().isSuccessful()) {
                    return c.httpResponse().toBuilder().statusCode(503).build();
                }
                return c.httpResponse();
            }
        };
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        store = new S3BlobStore(S3Clients.create(where, StaticCredentialsProvider.create(AwsBasicCredentials.create(
                S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL)), List.of(loseFirstAnswer)), where, warnings::add,
                64L << 20);
        store.configure(Duration.ofDays(1), Quotas.NONE);
        JsonObject record = new JsonObject();
        record.addProperty("name", "first");
        assertTrue(store.saveData(BlobStoreContract.USER, "rec", record), "the write made by the lost attempt is ours");
        assertEquals(2, dataPuts.get(), "the SDK sent the PUT again");
        assertEquals(1, refused.get(), "and the store refused the second one");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("first", store.getData(BlobStoreContract.USER, "rec").orElseThrow().get("name").getAsString());
        JsonObject other = new JsonObject();
        other.addProperty("name", "second");
        assertFalse(store.saveData(BlobStoreContract.USER, "rec", other), "another write of the key is refused");
        assertEquals("first", store.getData(BlobStoreContract.USER, "rec").orElseThrow().get("name").getAsString());
    }

    @Test
    void aCompletionClaimedByAnotherServerWaitsForItAndTakesOverWhenItIsReleased() throws Exception {
        AtomicInteger claimRefused = new AtomicInteger();
        ExecutionInterceptor watchClaims = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission c, ExecutionAttributes a) {
                if (c.httpRequest().encodedPath().contains("/claims/") && c.httpResponse().statusCode() == 412) {
                    claimRefused.incrementAndGet();
                }
            }
        };
        store = new S3BlobStore(S3Clients.create(where, StaticCredentialsProvider.create(AwsBasicCredentials.create(
                S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL)), List.of(watchClaims)), where, w -> { }, 64L << 20);
        store.configure(Duration.ofDays(1), Quotas.NONE);
        int blockSize = 4096;
        byte[] file = BlobStoreContract.bytes(10 * blockSize + 7, 5);
        long total = Blocks.totalBlocks(file.length, blockSize);
        var session = store.beginUpload(BlobStoreContract.USER, "claimed", file.length, blockSize, false);
        for (long i = 0; i < total - 1; i++) {
            BlobStoreContract.put(session, i, file);
        }
        // Another server holds the completion claim of this plan.
        String plan = objects("p/plans/").get(0);
        String claim = "p/claims/" + plan.substring("p/plans/".length());
        try (S3Client s3 = proxy.client(where)) {
            s3.putObject(b -> b.bucket(where.bucket()).key(claim), software.amazon.awssdk.core.sync.RequestBody.empty());
        }
        var last = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var done = last.submit(() -> BlobStoreContract.put(session, total - 1, file));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (claimRefused.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the completion asks for the claim");
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            assertFalse(done.isDone(), "the completion waits for the claim's holder");
            assertEquals(List.of(), objects("p/files/"), "and publishes nothing meanwhile");
            try (S3Client s3 = proxy.client(where)) {
                assertEquals(List.of(), s3.listMultipartUploads(r -> r.bucket(where.bucket())).uploads());
                s3.deleteObject(b -> b.bucket(where.bucket()).key(claim)); // its holder failed and let go
            }
            StoredFile published = done.get(60, java.util.concurrent.TimeUnit.SECONDS).completed();
            assertNotNull(published, "the waiting server publishes the file itself");
            assertEquals(BlobStoreContract.md5(file), published.md5());
        } finally {
            last.shutdownNow();
        }
        assertArrayEquals(file, BlobStoreContract.readAll(store, BlobStoreContract.USER,
                store.stat(BlobStoreContract.USER, "claimed").orElseThrow()));
        assertEquals(List.of(), objects("p/claims/"));
        assertEquals(List.of(), objects("p/plans/"));
        assertEquals(List.of(), objects("p/blocks/"));
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
