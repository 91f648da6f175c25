package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uploads and downloads over real sockets: sizes at block boundaries, parallel, pipelined, resumed. */
class UploadTest {
    private static final int BS = Blocks.CLASSIC_BLOCK_SIZE;

    private ServerFixture fixture;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.start();
    }

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    /** Uploads block by block, stop-and-wait; returns the md5 the completing reply carried. */
    static String upload(StepClient c, String token, String key, byte[] file) throws IOException {
        StepMessage plan = c.call(Requests.fileSave(token, key, file.length));
        assertEquals(200, plan.status(), plan.toString());
        long total = plan.integer(Fields.TOTAL_BLOCK).orElseThrow();
        int bs = (int) plan.integer(Fields.BLOCK_SIZE).orElseThrow();
        assertEquals(Blocks.totalBlocks(file.length, bs), total);
        if (total == 0) {
            return plan.string(Fields.MD5).orElseThrow();
        }
        String md5 = null;
        for (long i = 0; i < total; i++) {
            StepMessage r = c.call(Requests.upload(token, key, i), TestFiles.block(file, bs, i));
            assertEquals(200, r.status(), r.toString());
            assertEquals(i == total - 1, r.has(Fields.MD5), "only the completing block carries the md5");
            md5 = r.string(Fields.MD5).orElse(md5);
        }
        return md5;
    }

    static byte[] download(StepClient c, String token, String key) throws IOException {
        StepMessage plan = c.call(Requests.fileGet(token, key));
        assertEquals(200, plan.status(), plan.toString());
        long total = plan.integer(Fields.TOTAL_BLOCK).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < total; i++) {
            c.send(Requests.download(token, key, i), null);
            Frame f = c.receive();
            assertEquals(200, f.message().status(), f.message().toString());
            assertEquals(f.payload().length, f.message().integer(Fields.SIZE).orElseThrow());
            out.writeBytes(f.payload());
        }
        byte[] bytes = out.toByteArray();
        assertEquals(plan.integer(Fields.SIZE).orElseThrow(), bytes.length);
        assertEquals(plan.string(Fields.MD5).orElseThrow(), TestFiles.md5(bytes));
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BS - 1, BS, BS + 1, 2 * BS, 3 * BS + 17})
    void uploadsAndDownloadsEverySizeAroundTheBlockSize(int size) throws IOException {
        byte[] file = TestFiles.random(size, size);
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            assertEquals(TestFiles.md5(file), upload(c, token, "f" + size, file));
            assertArrayEquals(file, download(c, token, "f" + size));
            StepMessage again = c.call(Requests.fileSave(token, "f" + size, size));
            assertEquals(402, again.status(), "a finished key is not replanned");
        }
    }

    @Test
    void fiftyMebibytesOverFourParallelConnectionsSharingOneToken() throws Exception {
        byte[] file = TestFiles.random(50 << 20, 50);
        String token;
        try (StepClient c = fixture.client()) {
            token = c.login("u1");
            assertEquals(200, c.call(Requests.fileSave(token, "big.bin", file.length)).status());
        }
        long total = Blocks.totalBlocks(file.length, BS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> lanes = new ArrayList<>();
            for (int lane = 0; lane < 4; lane++) {
                int first = lane;
                lanes.add(pool.submit(() -> {
                    String md5 = null;
                    try (StepClient c = fixture.client()) {
                        for (long i = first; i < total; i += 4) {
                            StepMessage r = c.call(Requests.upload(token, "big.bin", i), TestFiles.block(file, BS, i));
                            assertEquals(200, r.status(), r.toString());
                            md5 = r.string(Fields.MD5).orElse(md5);
                        }
                    }
                    return md5;
                }));
            }
            List<String> md5s = new ArrayList<>();
            for (Future<String> lane : lanes) {
                String md5 = lane.get();
                if (md5 != null) {
                    md5s.add(md5);
                }
            }
            assertEquals(List.of(TestFiles.md5(file)), md5s, "exactly one reply completes the file, with its md5");

            List<Future<byte[]>> parts = new ArrayList<>();
            for (int lane = 0; lane < 4; lane++) {
                int first = lane;
                parts.add(pool.submit(() -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (StepClient c = fixture.client()) {
                        for (long i = first; i < total; i += 4) {
                            c.send(Requests.download(token, "big.bin", i), null);
                            out.writeBytes(c.receive().payload());
                        }
                    }
                    return out.toByteArray();
                }));
            }
            byte[][] lanesBytes = new byte[4][];
            for (int lane = 0; lane < 4; lane++) {
                lanesBytes[lane] = parts.get(lane).get();
            }
            byte[] back = new byte[file.length];
            int[] cursor = new int[4];
            for (long i = 0; i < total; i++) {
                int lane = (int) (i % 4);
                int len = Blocks.length(file.length, BS, i);
                System.arraycopy(lanesBytes[lane], cursor[lane], back, (int) (i * BS), len);
                cursor[lane] += len;
            }
            assertArrayEquals(file, back);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blocksInAnyOrderAndRepeatedStillMakeTheRightFile() throws IOException {
        byte[] file = TestFiles.random(7 * BS + 100, 7);
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            c.call(Requests.fileSave(token, "shuffled", file.length));
            long[] order = {7, 3, 3, 0, 6, 1, 1, 5, 2};
            for (long i : order) {
                StepMessage r = c.call(Requests.upload(token, "shuffled", i), TestFiles.block(file, BS, i));
                assertEquals(200, r.status());
                assertFalse(r.has(Fields.MD5));
            }
            StepMessage last = c.call(Requests.upload(token, "shuffled", 4), TestFiles.block(file, BS, 4));
            assertEquals(TestFiles.md5(file), last.string(Fields.MD5).orElseThrow());
            StepMessage after = c.call(Requests.upload(token, "shuffled", 4), TestFiles.block(file, BS, 4));
            assertEquals(408, after.status(), "a finished upload takes no more blocks");
            assertArrayEquals(file, download(c, token, "shuffled"));
        }
    }

    @Test
    void pipelinedRequestsAreAllAnsweredInOrder() throws IOException {
        byte[] file = TestFiles.random(200 * BS - 5, 9);
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            c.queue(Requests.fileSave(token, "piped", file.length), null);
            for (long i = 0; i < 200; i++) {
                c.queue(Requests.upload(token, "piped", i), TestFiles.block(file, BS, i));
            }
            c.queue(Requests.fileGet(token, "piped"), null);
            c.queue(Requests.login("u1", org.fita.server.auth.Authenticator.md5Hex("u1")), null);
            c.flush();
            assertEquals("This is the upload plan.", c.receive().message().statusMessage());
            for (long i = 0; i < 200; i++) {
                StepMessage r = c.receive().message();
                assertEquals(200, r.status(), r.toString());
                assertEquals(i, r.integer(Fields.BLOCK_INDEX).orElseThrow(), "replies come in request order");
            }
            StepMessage plan = c.receive().message();
            assertEquals(TestFiles.md5(file), plan.string(Fields.MD5).orElseThrow());
            assertEquals("LOGIN", c.receive().message().operation());
        }
    }

    private static JsonObject fita(JsonObject request) {
        return Requests.fita(request);
    }

    private static String crc(byte[] block) {
        CRC32C crc = new CRC32C();
        crc.update(block);
        return String.format("%08x", crc.getValue());
    }

    @Test
    void fitaClientsChooseTheBlockSizeAndCheckEachBlock() throws IOException {
        int bs = 1 << 20;
        byte[] file = TestFiles.random(5 * bs + 12345, 11);
        try (StepClient c = fixture.client()) {
            JsonObject login = fita(Requests.login("u1", org.fita.server.auth.Authenticator.md5Hex("u1")));
            StepMessage hello = c.call(login);
            assertEquals(1, hello.integer(Fields.FITA_VERSION).orElseThrow());
            assertTrue(hello.json().getAsJsonArray(Fields.EXTENSIONS).toString().contains("block-crc32c"));
            String token = hello.token();

            JsonObject save = fita(Requests.fileSave(token, "mb", file.length));
            save.addProperty(Fields.BLOCK_SIZE, bs);
            StepMessage plan = c.call(save);
            assertEquals(bs, plan.integer(Fields.BLOCK_SIZE).orElseThrow());
            assertEquals(6, plan.integer(Fields.TOTAL_BLOCK).orElseThrow());
            assertEquals(0, plan.integer(Fields.RECEIVED_COUNT).orElseThrow());

            byte[] first = TestFiles.block(file, bs, 0);
            JsonObject bad = fita(Requests.upload(token, "mb", 0));
            bad.addProperty(Fields.BLOCK_CRC32C, crc(TestFiles.block(file, bs, 1)));
            assertEquals(414, c.call(bad, first).status(), "a block that does not match its CRC is refused");

            String md5 = null;
            for (long i = 0; i < 6; i++) {
                byte[] block = TestFiles.block(file, bs, i);
                JsonObject up = fita(Requests.upload(token, "mb", i));
                up.addProperty(Fields.BLOCK_CRC32C, crc(block));
                StepMessage r = c.call(up, block);
                assertEquals(200, r.status(), r.toString());
                md5 = r.string(Fields.MD5).orElse(md5);
            }
            assertEquals(TestFiles.md5(file), md5, "the refused block was not counted as held");

            JsonObject get = fita(Requests.fileGet(token, "mb"));
            get.addProperty(Fields.BLOCK_SIZE, bs);
            assertEquals(6, c.call(get).integer(Fields.TOTAL_BLOCK).orElseThrow());
            JsonObject down = fita(Requests.download(token, "mb", 5));
            down.addProperty(Fields.BLOCK_SIZE, bs);
            down.addProperty(Fields.WANT_CRC32C, true);
            c.send(down, null);
            Frame last = c.receive();
            assertArrayEquals(TestFiles.block(file, bs, 5), last.payload());
            assertEquals(crc(last.payload()), last.message().string(Fields.BLOCK_CRC32C).orElseThrow());

            JsonObject tooSmall = fita(Requests.fileSave(token, "tiny-blocks", 10));
            tooSmall.addProperty(Fields.BLOCK_SIZE, 100);
            assertEquals(411, c.call(tooSmall).status());
        }
    }

    @Test
    void resumeListsTheHeldBlocksAndAPlainSaveStartsOver() throws IOException {
        byte[] file = TestFiles.random(10 * BS, 12);
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            c.call(Requests.fileSave(token, "r", file.length));
            for (long i : new long[] {0, 2, 3, 9}) {
                c.call(Requests.upload(token, "r", i), TestFiles.block(file, BS, i));
            }
            JsonObject resume = fita(Requests.fileSave(token, "r", file.length));
            resume.addProperty(Fields.RESUME, true);
            StepMessage plan = c.call(resume);
            assertEquals(4, plan.integer(Fields.RECEIVED_COUNT).orElseThrow());
            BitSet held = BitSet.valueOf(Base64.getDecoder().decode(plan.string(Fields.RECEIVED_BITMAP).orElseThrow()));
            assertEquals("{0, 2, 3, 9}", held.toString());

            String md5 = null;
            for (int i = held.nextClearBit(0); i < 10; i = held.nextClearBit(i + 1)) {
                md5 = c.call(Requests.upload(token, "r", i), TestFiles.block(file, BS, i)).string(Fields.MD5).orElse(md5);
            }
            assertEquals(TestFiles.md5(file), md5);

            c.call(Requests.fileSave(token, "s", file.length));
            c.call(Requests.upload(token, "s", 0), TestFiles.block(file, BS, 0));
            StepMessage reset = c.call(fita(Requests.fileSave(token, "s", file.length)));
            assertEquals(0, reset.integer(Fields.RECEIVED_COUNT).orElseThrow(), "without resume the plan starts over");
        }
    }

    @Test
    void listPagesThroughFinishedFilesInKeyOrder() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String key = String.format("dir/f%02d.txt", i);
                keys.add(key);
                upload(c, token, key, TestFiles.random(i * 100, i));
            }
            upload(c, token, "other/数据1.txt", TestFiles.random(3, 3));
            c.call(Requests.fileSave(token, "dir/unfinished", 5));

            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                StepMessage page = c.call(Requests.list(token, "dir/", after, 10));
                assertEquals(200, page.status(), page.toString());
                JsonArray files = page.json().getAsJsonArray(Fields.FILES);
                for (int i = 0; i < files.size(); i++) {
                    JsonObject f = files.get(i).getAsJsonObject();
                    seen.add(f.get(Fields.KEY).getAsString());
                    int n = Integer.parseInt(f.get(Fields.KEY).getAsString().substring(5, 7));
                    assertEquals(n * 100, f.get(Fields.SIZE).getAsLong());
                    assertEquals(TestFiles.md5(TestFiles.random(n * 100, n)), f.get(Fields.MD5).getAsString());
                    assertTrue(f.get(Fields.MODIFIED).getAsLong() > 0);
                }
                after = page.string(Fields.NEXT_AFTER).orElse(null);
                pages++;
            } while (after != null);
            assertEquals(keys, seen);
            assertEquals(3, pages);

            StepMessage all = c.call(Requests.list(token, null, null, 1000));
            assertEquals(26, all.json().getAsJsonArray(Fields.FILES).size());
            assertNull(all.string(Fields.NEXT_AFTER).orElse(null));
            assertEquals("other/数据1.txt", all.json().getAsJsonArray(Fields.FILES).get(25).getAsJsonObject()
                    .get(Fields.KEY).getAsString());
        }
    }

    @Test
    void twoConnectionsCompletingOneUploadAtOnceMakeOneCorrectFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (StepClient a = fixture.client(); StepClient b = fixture.client()) {
            String token = a.login("racer");
            for (int round = 0; round < 30; round++) {
                byte[] file = TestFiles.random(2 * BS, round);
                String key = "race" + round;
                a.call(Requests.fileSave(token, key, file.length));
                // Even rounds: the two last blocks at once; odd rounds: the same last block twice at once.
                long blockB = round % 2 == 0 ? 1 : 0;
                if (round % 2 == 1) {
                    a.call(Requests.upload(token, key, 1), TestFiles.block(file, BS, 1));
                }
                CyclicBarrier go = new CyclicBarrier(2);
                Future<StepMessage> ra = pool.submit(() -> {
                    go.await();
                    return a.call(Requests.upload(token, key, 0), TestFiles.block(file, BS, 0));
                });
                Future<StepMessage> rb = pool.submit(() -> {
                    go.await();
                    return b.call(Requests.upload(token, key, blockB), TestFiles.block(file, BS, blockB));
                });
                StepMessage x = ra.get();
                StepMessage y = rb.get();
                if (round % 2 == 0) {
                    assertEquals(200, x.status(), x.toString());
                    assertEquals(200, y.status(), y.toString());
                } else {
                    // The same block twice: whichever arrives after completion is told the file is finished.
                    assertTrue(x.status() == 200 || x.status() == 408, x.toString());
                    assertTrue(y.status() == 200 || y.status() == 408, y.toString());
                }
                int withMd5 = (x.has(Fields.MD5) ? 1 : 0) + (y.has(Fields.MD5) ? 1 : 0);
                assertEquals(1, withMd5, "exactly one reply completes the upload: " + x + " / " + y);
                String md5 = x.string(Fields.MD5).orElseGet(() -> y.string(Fields.MD5).orElseThrow());
                assertEquals(TestFiles.md5(file), md5);
                assertArrayEquals(file, download(a, token, key));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUploadContinuesOnAServerStartedAgainOnTheSameRoot() throws IOException {
        byte[] file = TestFiles.random(20 * BS + 3, 20);
        String token;
        try (StepClient c = fixture.client()) {
            token = c.login("u1");
            c.call(Requests.fileSave(token, "restart.bin", file.length));
            for (long i = 0; i <= 20; i += 2) {
                c.call(Requests.upload(token, "restart.bin", i), TestFiles.block(file, BS, i));
            }
        }
        java.nio.file.Path root = fixture.stopKeepingRoot();
        fixture = ServerFixture.startOn(root, b -> b);
        try (StepClient c = fixture.client()) {
            assertEquals(404, c.call(Requests.fileGet(token, "restart.bin")).status(), "not finished yet");
            String md5 = null;
            for (long i = 1; i < 20; i += 2) {
                StepMessage r = c.call(Requests.upload(token, "restart.bin", i), TestFiles.block(file, BS, i));
                assertEquals(200, r.status(), "the token survives the restart: " + r);
                md5 = r.string(Fields.MD5).orElse(md5);
            }
            assertEquals(TestFiles.md5(file), md5);
            assertArrayEquals(file, download(c, token, "restart.bin"));
        }
    }

    @Test
    void afterAMachineRestartOnlyBlocksSyncedToDiskCountAsHeld() throws Exception {
        int bs = 1 << 20;
        byte[] file = TestFiles.random(80 * bs, 80);
        String token;
        try (StepClient c = fixture.client()) {
            token = c.call(fita(Requests.login("u1", org.fita.server.auth.Authenticator.md5Hex("u1")))).token();
            JsonObject save = fita(Requests.fileSave(token, "durable.bin", file.length));
            save.addProperty(Fields.BLOCK_SIZE, bs);
            c.call(save);
            for (long i = 0; i < 70; i++) {
                assertEquals(200, c.call(Requests.upload(token, "durable.bin", i), TestFiles.block(file, bs, i)).status());
            }
        }
        java.nio.file.Path journal;
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(fixture.root)) {
            journal = all.filter(p -> p.toString().endsWith(".journal")).findFirst().orElseThrow();
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!java.nio.file.Files.readString(journal).contains("\nsync ") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        java.nio.file.Path root = fixture.stopKeepingRoot();
        List<String> lines = java.nio.file.Files.readAllLines(journal);
        long synced = lines.stream().filter(l -> l.startsWith("sync ")).mapToLong(l -> Long.parseLong(l.substring(5)))
                .max().orElseThrow(() -> new AssertionError("no sync checkpoint after 64 MiB: " + lines.size()));
        assertTrue(synced >= 64 && synced <= 70, "checkpoint covers " + synced);

        // Same machine, new process: every journaled block is still held.
        fixture = ServerFixture.startOn(root, b -> b);
        try (StepClient c = fixture.client()) {
            JsonObject resume = fita(Requests.fileSave(token, "durable.bin", file.length));
            resume.addProperty(Fields.BLOCK_SIZE, bs);
            resume.addProperty(Fields.RESUME, true);
            assertEquals(70, c.call(resume).integer(Fields.RECEIVED_COUNT).orElseThrow());
        }
        // As if the machine had restarted: only the checkpointed blocks are trusted.
        root = fixture.stopKeepingRoot();
        lines.set(0, lines.get(0).replaceFirst("\"boot_id\": \"[^\"]*\"", "\"boot_id\": \"an-earlier-boot\""));
        java.nio.file.Files.write(journal, lines);
        fixture = ServerFixture.startOn(root, b -> b);
        try (StepClient c = fixture.client()) {
            JsonObject resume = fita(Requests.fileSave(token, "durable.bin", file.length));
            resume.addProperty(Fields.BLOCK_SIZE, bs);
            resume.addProperty(Fields.RESUME, true);
            StepMessage plan = c.call(resume);
            assertEquals(synced, plan.integer(Fields.RECEIVED_COUNT).orElseThrow());
            BitSet held = BitSet.valueOf(Base64.getDecoder().decode(plan.string(Fields.RECEIVED_BITMAP).orElseThrow()));
            String md5 = null;
            for (int i = held.nextClearBit(0); i < 80; i = held.nextClearBit(i + 1)) {
                md5 = c.call(Requests.upload(token, "durable.bin", i), TestFiles.block(file, bs, i)).string(Fields.MD5)
                        .orElse(md5);
            }
            assertEquals(TestFiles.md5(file), md5);
        }
    }
}
