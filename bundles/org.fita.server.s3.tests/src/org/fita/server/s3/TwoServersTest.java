package org.fita.server.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.Requests;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.PasswordHasher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two fita-servers (in-process, each with its own root) on one bucket of S3Proxy: an upload
 * started through one goes on through the other, tokens, quotas, listings and expiry hold across
 * them, and the same upload completed through both at once makes one correct file.
 */
class TwoServersTest {
    private static final int BLOCK = Blocks.CLASSIC_BLOCK_SIZE;
    @TempDir
    static Path shared;
    static S3ProxyProcess proxy;
    @TempDir
    Path tmp;
    S3Location where;
    Path secret;
    final List<StepServer> running = new ArrayList<>();

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = S3ProxyProcess.start(shared.resolve("s3"));
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.close();
    }

    @BeforeEach
    void newBucket() {
        where = proxy.newBucket("servers", "");
        secret = tmp.resolve("shared.secret");
    }

    @AfterEach
    void stopServers() {
        running.forEach(StepServer::close);
    }

    /** A server with its own root on the shared bucket; the store it opened is put in {@code store}. */
    StepServer server(String name, AtomicReference<S3BlobStore> store, UnaryOperator<ServerConfig.Builder> tune)
            throws IOException {
        S3StoreFactory factory = new S3StoreFactory(where, software.amazon.awssdk.auth.credentials.StaticCredentialsProvider
                .create(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyProcess.IDENTITY,
                        S3ProxyProcess.CREDENTIAL)), 256L << 20, store == null ? null : store::set);
        StepServer s = StepServer.start(tune.apply(ServerConfig.builder().host("127.0.0.1").port(0)
                .root(tmp.resolve(name)).logToConsole(false).storeFactory(factory).secretFile(secret)).build());
        running.add(s);
        return s;
    }

    StepServer server(String name, AtomicReference<S3BlobStore> store) throws IOException {
        return server(name, store, b -> b);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static JsonObject plan(String token, String key, long size, boolean resume) {
        JsonObject save = Requests.fita(Requests.fileSave(token, key, size));
        save.addProperty(Fields.RESUME, resume);
        return save;
    }

    static StepMessage block(Client c, String key, byte[] file, long i) throws IOException {
        int len = Blocks.length(file.length, BLOCK, i);
        byte[] b = java.util.Arrays.copyOfRange(file, (int) (i * BLOCK), (int) (i * BLOCK) + len);
        return c.call(Requests.upload(c.token, key, i), b);
    }

    /** Downloads a file block by block, as a classic client does. */
    static byte[] download(Client c, String key) throws IOException {
        StepMessage plan = c.call(Requests.fileGet(c.token, key));
        assertTrue(plan.isOk(), plan.toString());
        long size = plan.integer(Fields.SIZE).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < Blocks.totalBlocks(size, BLOCK); i++) {
            Frame f = c.callFrame(Requests.download(c.token, key, i), null);
            assertTrue(f.message().isOk(), f.message().toString());
            out.write(f.payload());
        }
        byte[] got = out.toByteArray();
        assertEquals(plan.string(Fields.MD5).orElseThrow(), Client.md5(got), "the md5 of the plan is the file's");
        return got;
    }

    @Test
    void anUploadStartedOnOneServerKilledMidwayIsFinishedOnTheOther() throws Exception {
        AtomicReference<S3BlobStore> storeA = new AtomicReference<>();
        StepServer a = server("a", storeA);
        StepServer b = server("b", null);
        byte[] file = bytes(30 << 20, 1);
        long total = Blocks.totalBlocks(file.length, BLOCK);
        try (Client c = new Client(a.port()).login("alice")) {
            StepMessage plan = c.call(plan(c.token, "big.bin", file.length, false));
            assertTrue(plan.isOk(), plan.toString());
            for (long i = 0; i < 1000; i++) {
                assertTrue(block(c, "big.bin", file, i).isOk());
            }
        }
        // Killed: what A gathered in memory is gone; what it wrote to the bucket stays.
        storeA.get().loseMemory();
        a.close();
        long held;
        try (Client c = new Client(b.port()).login("alice")) {
            StepMessage plan = c.call(plan(c.token, "big.bin", file.length, true));
            assertTrue(plan.isOk(), plan.toString());
            held = plan.integer(Fields.RECEIVED_COUNT).orElseThrow();
            assertTrue(held >= 800 && held < 1000, "B holds the windows A wrote, not those it lost: " + held);
            BitSet bits = BitSet.valueOf(Base64.getDecoder().decode(plan.string(Fields.RECEIVED_BITMAP).orElseThrow()));
            assertEquals(held, bits.cardinality());
            String md5 = null;
            for (long i = 0; i < total; i++) {
                if (!bits.get((int) i)) {
                    StepMessage r = block(c, "big.bin", file, i);
                    assertTrue(r.isOk(), r.toString());
                    md5 = r.string(Fields.MD5).orElse(md5);
                }
            }
            assertEquals(Client.md5(file), md5, "the completing block's reply carries the file's own md5");
        }
        StepServer again = server("a", null);
        try (Client c = new Client(again.port()).login("alice")) {
            assertArrayEquals(file, download(c, "big.bin"));
        }
        assertNothingLeftOver();
    }

    @Test
    void aTokenFromOneServerIsAcceptedByTheOther() throws Exception {
        StepServer a = server("a", null);
        StepServer b = server("b", null);
        String token;
        try (Client c = new Client(a.port()).login("alice")) {
            token = c.token;
            c.call(plan(token, "t", 5, false));
            assertTrue(block(c, "t", "hello".getBytes(), 0).isOk());
        }
        try (Client c = new Client(b.port())) {
            c.token = token;
            StepMessage r = c.call(Requests.fileGet(token, "t"));
            assertTrue(r.isOk(), r.toString());
            assertEquals(Client.md5("hello".getBytes()), r.string(Fields.MD5).orElseThrow());
            StepMessage forged = c.call(Requests.fileGet(token.substring(0, token.length() - 2) + "xx", "t"));
            assertEquals(Status.TOKEN_REJECTED.code(), forged.status());
        }
    }

    @Test
    void theSameUploadCompletedThroughBothAtOnceMakesOneCorrectFile() throws Exception {
        StepServer a = server("a", null);
        StepServer b = server("b", null);
        byte[] file = bytes(12 << 20, 2);
        long total = Blocks.totalBlocks(file.length, BLOCK);
        try (Client c = new Client(a.port()).login("alice")) {
            assertTrue(c.call(plan(c.token, "race.bin", file.length, false)).isOk());
            for (long i = 0; i < total - 1; i++) {
                assertTrue(block(c, "race.bin", file, i).isOk());
            }
        }
        Thread.sleep(2000); // A writes its gathered blocks once they are idle: B sees them
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<StepMessage>> replies = new ArrayList<>();
            for (StepServer s : List.of(a, b)) {
                Callable<StepMessage> last = () -> {
                    try (Client c = new Client(s.port()).login("alice")) {
                        return block(c, "race.bin", file, total - 1);
                    }
                };
                replies.add(two.submit(last));
            }
            for (Future<StepMessage> r : replies) {
                StepMessage m = r.get(120, TimeUnit.SECONDS);
                assertTrue(m.isOk(), m.toString());
                m.string(Fields.MD5).ifPresent(md5 -> assertEquals(Client.md5(file), md5));
            }
        } finally {
            two.shutdownNow();
        }
        for (StepServer s : List.of(a, b)) {
            try (Client c = new Client(s.port()).login("alice")) {
                assertArrayEquals(file, download(c, "race.bin"));
            }
        }
        assertNothingLeftOver();
    }

    @Test
    void quotasListingsAndDeletesHoldAcrossServers() throws Exception {
        UnaryOperator<ServerConfig.Builder> quota = cfg -> cfg.defaultQuota(1 << 20);
        StepServer a = server("a", null, quota);
        StepServer b = server("b", null, quota);
        try (Client ca = new Client(a.port()).login("alice"); Client cb = new Client(b.port()).login("alice")) {
            assertTrue(ca.call(plan(ca.token, "first", 600 << 10, false)).isOk());
            StepMessage refused = cb.call(plan(cb.token, "second", 600 << 10, false));
            assertEquals(Status.QUOTA_EXCEEDED.code(), refused.status(), refused.toString());
            for (String k : List.of("x/1", "x/2", "x/3")) {
                ca.call(plan(ca.token, k, 3, false));
                assertTrue(block(ca, k, "abc".getBytes(), 0).isOk());
            }
            JsonObject list = Requests.fita(Requests.list(cb.token, "x/", null, 2));
            StepMessage page = cb.call(list);
            assertTrue(page.isOk(), page.toString());
            assertEquals(2, page.json().getAsJsonArray(Fields.FILES).size());
            StepMessage deleted = cb.call(Requests.fileDelete(cb.token, "x/1"));
            assertTrue(deleted.isOk(), deleted.toString());
            assertEquals(Status.NOT_FOUND.code(), ca.call(Requests.fileGet(ca.token, "x/1")).status());
        }
    }

    @Test
    void anExpiredUploadIsSweptByEitherServer() throws Exception {
        AtomicReference<S3BlobStore> storeB = new AtomicReference<>();
        UnaryOperator<ServerConfig.Builder> shortLife = cfg -> cfg.uploadTtl(Duration.ofSeconds(1));
        StepServer a = server("a", null, shortLife);
        server("b", storeB, shortLife);
        try (Client c = new Client(a.port()).login("alice")) {
            assertTrue(c.call(plan(c.token, "old", 2 * BLOCK, false)).isOk());
            assertTrue(block(c, "old", bytes(2 * BLOCK, 3), 0).isOk());
            Thread.sleep(2500); // idle: written to the bucket, then older than the lifetime
            assertEquals(1, storeB.get().sweep());
            StepMessage r = block(c, "old", bytes(2 * BLOCK, 3), 1);
            assertFalse(r.isOk(), "the swept upload takes no more blocks: " + r);
        }
        assertNothingLeftOver();
    }

    @Test
    void accountsAreSharedThroughTheBucket() throws Exception {
        new AccountStore(tmp.resolve("a"), new PasswordHasher(1000)).add("carol", "s3cret!", false);
        UnaryOperator<ServerConfig.Builder> accounts = cfg -> cfg.authMode(AuthMode.ACCOUNTS).passwordIterations(1000);
        StepServer a = server("a", null, accounts);
        StepServer b = server("b", null, accounts);
        try (Client c = new Client(b.port())) {
            c.login("carol", "s3cret!");
            assertNotNull(c.token);
        }
        // A user added on B's root while both run reaches A through the bucket.
        new AccountStore(tmp.resolve("b"), new PasswordHasher(1000)).add("dave", "pa55word", false);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        AccountStore seenByA = new AccountStore(tmp.resolve("a"), new PasswordHasher(1000));
        while (!seenByA.exists("dave")) {
            assertTrue(System.nanoTime() < deadline, "dave reaches A's copy of the accounts");
            Thread.sleep(200);
        }
        try (Client c = new Client(a.port())) {
            c.login("dave", "pa55word");
        }
    }

    /** No plan, no block, no completion claim and no multipart upload is left in the bucket. */
    void assertNothingLeftOver() {
        try (S3Client s3 = proxy.client(where)) {
            List<String> left = s3.listObjectsV2(r -> r.bucket(where.bucket())).contents().stream()
                    .map(o -> o.key()).filter(k -> k.startsWith("plans/") || k.startsWith("blocks/") || k.startsWith("claims/")).toList();
            assertEquals(List.of(), left);
            assertEquals(List.of(), s3.listMultipartUploads(r -> r.bucket(where.bucket())).uploads());
        }
    }
}
