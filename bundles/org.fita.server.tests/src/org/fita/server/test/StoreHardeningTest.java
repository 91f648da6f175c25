package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.PasswordHasher;
import org.junit.jupiter.api.Test;

/** Quotas, expiry, crash leftovers, replace and the block CRC, over real sockets and real files. */
class StoreHardeningTest {
    private static final int BS = 4096;

    private static JsonObject fitaSave(String token, String key, long size) {
        JsonObject save = Requests.fita(Requests.fileSave(token, key, size));
        save.addProperty(Fields.BLOCK_SIZE, BS);
        return save;
    }

    private static StepMessage uploadBlock(StepClient c, String token, String key, byte[] file, long i) throws IOException {
        return c.call(Requests.fita(Requests.upload(token, key, i)), TestFiles.block(file, BS, i));
    }

    /** Uploads a whole file in 4 KiB blocks; returns the completing reply's md5. */
    private static String uploadAll(StepClient c, String token, String key, byte[] file) throws IOException {
        StepMessage plan = c.call(fitaSave(token, key, file.length));
        assertEquals(200, plan.status(), plan.toString());
        String md5 = null;
        for (long i = 0; i < plan.integer(Fields.TOTAL_BLOCK).orElseThrow(); i++) {
            StepMessage r = uploadBlock(c, token, key, file, i);
            assertEquals(200, r.status(), r.toString());
            md5 = r.string(Fields.MD5).orElse(md5);
        }
        return md5;
    }

    @Test
    void aPlanOverTheQuotaGets415SayingUsedAllowedAndAsked() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.defaultQuota(100_000));
                StepClient c = fixture.client()) {
            String token = c.login("2254001");
            byte[] file = TestFiles.random(30_000, 1);
            uploadAll(c, token, "stored.bin", file);
            // Two unfinished uploads whose promises together exceed the quota: the second is refused.
            assertEquals(200, c.call(fitaSave(token, "first", 50_000)).status());
            StepMessage over = c.call(fitaSave(token, "second", 30_000));
            assertEquals(415, over.status(), over.toString());
            assertEquals("SAVE", over.operation());
            String msg = over.statusMessage();
            assertTrue(msg.contains("needs 30000") && msg.contains("uses 80000") && msg.contains("100000 bytes allowed"), msg);
            // A classic client gets the same refusal.
            assertEquals(415, c.call(Requests.fileSave(token, "classic", 30_000)).status());
            assertEquals(200, c.call(fitaSave(token, "second", 20_000)).status(), "up to the quota is fine");
            // Cancelling a promise frees its room.
            assertEquals(404, c.call(Requests.fileDelete(token, "first")).status());
            assertEquals(200, c.call(fitaSave(token, "third", 50_000)).status());

            StepMessage login = c.call(Requests.fita(Requests.login("2254001", org.fita.server.auth.Authenticator.md5Hex("2254001"))));
            JsonObject usage = login.json().getAsJsonObject(Fields.USAGE);
            assertEquals(30_000, usage.get("stored_bytes").getAsLong());
            assertEquals(70_000, usage.get("promised_bytes").getAsLong());
            assertEquals(100_000, usage.get("quota_bytes").getAsLong());
            assertTrue(login.json().getAsJsonArray(Fields.EXTENSIONS).toString().contains(Extensions.QUOTA));
            // DATA records count too: the quota is full now.
            StepMessage record = c.call(Requests.dataSave(token, "rec", Map.of("note", "x")));
            assertEquals(415, record.status(), record.toString());
            assertEquals(404, c.call(Requests.fileDelete(token, "third")).status());
            assertEquals(200, c.call(Requests.dataSave(token, "rec", Map.of("note", "x"))).status());
            StepMessage after = c.call(Requests.fita(Requests.login("2254001", org.fita.server.auth.Authenticator.md5Hex("2254001"))));
            long stored = after.json().getAsJsonObject(Fields.USAGE).get("stored_bytes").getAsLong();
            assertTrue(stored > 30_000 && stored < 30_200, "the record's bytes are counted: " + stored);
            assertEquals(200, c.call(Requests.dataDelete(token, "rec")).status());
            assertEquals(30_000, c.call(Requests.fita(Requests.login("2254001",
                    org.fita.server.auth.Authenticator.md5Hex("2254001")))).json().getAsJsonObject(Fields.USAGE)
                    .get("stored_bytes").getAsLong());
            assertFalse(c.call(Requests.login("2254001", org.fita.server.auth.Authenticator.md5Hex("2254001")))
                    .has(Fields.USAGE), "a classic LOGIN reply keeps the reference's fields");
        }
    }

    @Test
    void anAccountsOwnQuotaWinsOverTheDefault() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.authMode(AuthMode.ACCOUNTS).defaultQuota(10_000));
                StepClient c = fixture.client()) {
            AccountStore accounts = new AccountStore(fixture.root, new PasswordHasher(10_000));
            accounts.add("big", "pw-big", false, 1_000_000L);
            accounts.add("small", "pw-small", false);
            String big = c.login("big", "pw-big");
            String small = c.login("small", "pw-small");
            assertEquals(200, c.call(fitaSave(big, "k", 500_000)).status());
            assertEquals(415, c.call(fitaSave(small, "k", 20_000)).status());
            accounts.setQuota("small", 50_000L);
            assertEquals(200, c.call(fitaSave(small, "k", 20_000)).status(), "a changed quota applies at once");
        }
    }

    @Test
    void anUploadUntouchedForItsLifetimeIsGoneAfterARestartAndResumeStartsClean() throws IOException {
        Path root;
        byte[] file = TestFiles.random(3 * BS, 2);
        ServerFixture fixture = ServerFixture.start();
        try (StepClient c = fixture.client()) {
            String token = c.login("2254001");
            assertEquals(200, c.call(fitaSave(token, "old.bin", file.length)).status());
            assertEquals(200, uploadBlock(c, token, "old.bin", file, 0).status());
            assertEquals(200, c.call(fitaSave(token, "recent.bin", file.length)).status());
        }
        root = fixture.stopKeepingRoot();
        Path oldJournal;
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> uploads = all.filter(p -> p.getParent().getFileName().toString().equals("uploads")).toList();
            assertEquals(4, uploads.size(), uploads.toString());
            oldJournal = uploads.stream().filter(p -> p.toString().endsWith(".journal"))
                    .filter(p -> readQuietly(p).contains("old.bin")).findFirst().orElseThrow();
        }
        FileTime eightDaysAgo = FileTime.from(Instant.now().minus(8, ChronoUnit.DAYS));
        Path oldPart = oldJournal.resolveSibling(oldJournal.getFileName().toString().replace(".journal", ".part"));
        Files.setLastModifiedTime(oldJournal, eightDaysAgo);
        Files.setLastModifiedTime(oldPart, eightDaysAgo);
        try (ServerFixture again = ServerFixture.startOn(root, b -> b.uploadTtl(java.time.Duration.ofDays(7)));
                StepClient c = again.client()) {
            assertFalse(Files.exists(oldJournal));
            assertFalse(Files.exists(oldPart));
            String token = c.login("2254001");
            JsonObject resume = fitaSave(token, "old.bin", file.length);
            resume.addProperty(Fields.RESUME, true);
            StepMessage plan = c.call(resume);
            assertEquals(200, plan.status());
            assertEquals(0, plan.integer(Fields.RECEIVED_COUNT).orElseThrow(), "a clean new plan");
            StepMessage recent = c.call(Requests.fileDelete(token, "recent.bin"));
            assertTrue(recent.statusMessage().contains("not completely uploaded"), "the recent one was kept: " + recent);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** What kill -9 inside FILE DELETE, DATA SAVE or a plan leaves behind is removed at the next start. */
    @Test
    void crashLeftoversAreCleanedAtStart() throws IOException {
        Path root;
        Path userDir;
        ServerFixture fixture = ServerFixture.start();
        try (StepClient c = fixture.client()) {
            String token = c.login("2254001");
            uploadAll(c, token, "kept.bin", TestFiles.random(5000, 3));
            assertEquals(200, c.call(Requests.dataSave(token, "rec", Map.of("a", 1))).status());
        }
        root = fixture.stopKeepingRoot();
        try (Stream<Path> dirs = Files.list(root.resolve("users"))) {
            userDir = dirs.findFirst().orElseThrow();
        }
        String h = "ab".repeat(32);
        List<Path> orphans = List.of(userDir.resolve("files").resolve(h + ".meta"),
                userDir.resolve("files").resolve(h + ".meta.tmp"),
                userDir.resolve("data").resolve(h + ".json.tmp"),
                userDir.resolve("uploads").resolve(h + ".part"),
                userDir.resolve("uploads").resolve(h + ".journal.tmp"),
                root.resolve("accounts.json.tmp"));
        for (Path p : orphans) {
            Files.writeString(p, "{\"key\": \"ghost\"}");
        }
        try (ServerFixture again = ServerFixture.startOn(root, b -> b); StepClient c = again.client()) {
            for (Path p : orphans) {
                assertFalse(Files.exists(p), p + " was left");
            }
            String token = c.login("2254001");
            assertEquals(200, c.call(Requests.fileGet(token, "kept.bin")).status());
            assertEquals(200, c.call(Requests.dataGet(token, "rec")).status());
        }
    }

    @Test
    void aWrongBlockCrcIsRefusedWithOrWithoutFitaVersion() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(); StepClient c = fixture.client()) {
            String token = c.login("2254001");
            byte[] file = TestFiles.random(100, 4);
            assertEquals(200, c.call(Requests.fileSave(token, "c.bin", file.length)).status());
            JsonObject bad = Requests.upload(token, "c.bin", 0);
            bad.addProperty(Fields.BLOCK_CRC32C, "00000000");
            StepMessage refused = c.call(bad, file);
            assertEquals(414, refused.status(), refused.toString());
            CRC32C crc = new CRC32C();
            crc.update(file);
            JsonObject good = Requests.upload(token, "c.bin", 0);
            good.addProperty(Fields.BLOCK_CRC32C, String.format("%08x", crc.getValue()));
            StepMessage ok = c.call(good, file);
            assertEquals(200, ok.status());
            assertEquals(TestFiles.md5(file), ok.string(Fields.MD5).orElseThrow());
        }
    }

    @Test
    void replaceKeepsTheOldFileUntilTheNewOneVerifiesThenSwapsIt() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(); StepClient c = fixture.client()) {
            String token = c.login("2254001");
            byte[] v1 = TestFiles.random(3 * BS + 10, 5);
            byte[] v2 = TestFiles.random(2 * BS + 99, 6);
            assertEquals(TestFiles.md5(v1), uploadAll(c, token, "doc.bin", v1));
            assertEquals(402, c.call(fitaSave(token, "doc.bin", v2.length)).status(), "no replace, no replacement");
            JsonObject replace = fitaSave(token, "doc.bin", v2.length);
            replace.addProperty(Fields.REPLACE, true);
            assertEquals(200, c.call(replace).status());
            assertEquals(200, uploadBlock(c, token, "doc.bin", v2, 0).status());
            // Meanwhile the old file is readable and listed.
            assertArrayEquals(v1, UploadTest.download(c, token, "doc.bin"));
            StepMessage list = c.call(Requests.fita(Requests.list(token, null, null, 10)));
            assertTrue(list.json().toString().contains(TestFiles.md5(v1)), list.toString());
            assertEquals(200, uploadBlock(c, token, "doc.bin", v2, 1).status());
            StepMessage last = uploadBlock(c, token, "doc.bin", v2, 2);
            assertEquals(TestFiles.md5(v2), last.string(Fields.MD5).orElseThrow());
            assertArrayEquals(v2, UploadTest.download(c, token, "doc.bin"));
            assertEquals(408, uploadBlock(c, token, "doc.bin", v2, 0).status(), "completely uploaded again");
        }
    }

    @Test
    void aCancelledOrAbandonedReplacementLeavesTheOldFileIntact() throws IOException {
        Path root;
        byte[] v1 = TestFiles.random(2 * BS, 7);
        byte[] v2 = TestFiles.random(2 * BS, 8);
        ServerFixture fixture = ServerFixture.start();
        try (StepClient c = fixture.client()) {
            String token = c.login("2254001");
            uploadAll(c, token, "doc.bin", v1);
            JsonObject replace = fitaSave(token, "doc.bin", v2.length);
            replace.addProperty(Fields.REPLACE, true);
            assertEquals(200, c.call(replace).status());
            assertEquals(200, uploadBlock(c, token, "doc.bin", v2, 0).status());
            JsonObject cancel = Requests.fita(Requests.fileDelete(token, "doc.bin"));
            cancel.addProperty(Fields.REPLACE, true);
            StepMessage cancelled = c.call(cancel);
            assertEquals(200, cancelled.status(), cancelled.toString());
            assertEquals(408, uploadBlock(c, token, "doc.bin", v2, 1).status());
            assertArrayEquals(v1, UploadTest.download(c, token, "doc.bin"));
            // Abandoned: planned, half sent, then the server stops and the upload expires.
            assertEquals(200, c.call(replace).status());
            assertEquals(200, uploadBlock(c, token, "doc.bin", v2, 0).status());
        }
        root = fixture.stopKeepingRoot();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> p.getParent().getFileName().toString().equals("uploads")).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(30, ChronoUnit.DAYS)));
            }
        }
        try (ServerFixture again = ServerFixture.startOn(root, b -> b); StepClient c = again.client()) {
            String token = c.login("2254001");
            assertArrayEquals(v1, UploadTest.download(c, token, "doc.bin"));
            assertEquals(408, uploadBlock(c, token, "doc.bin", v2, 1).status());
        }
    }

    /** The 507 for a full disk counts what unfinished uploads were promised. */
    @Test
    void planLargerThanTheFreeSpaceLeftAfterPromisesGets507() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.maxFileSize(Long.MAX_VALUE));
                StepClient c = fixture.client()) {
            String token = c.login("2254001");
            long free = Files.getFileStore(fixture.root).getUsableSpace();
            long big = free / 2 + (1L << 30);
            assertEquals(200, c.call(fitaSave(token, "half1", big)).status());
            StepMessage refused = c.call(fitaSave(token, "half2", big));
            assertEquals(507, refused.status(), refused.toString());
            assertTrue(refused.statusMessage().contains("promised to unfinished uploads"), refused.statusMessage());
            assertEquals(404, c.call(Requests.fileDelete(token, "half1")).status());
            assertEquals(200, c.call(fitaSave(token, "half2", big)).status());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** A file system out of inodes answers 507 with a message, never 500. */
    @Test
    void runningOutOfInodesIs507NeverA500() throws Exception {
        Path mount = Files.createTempDirectory("fita-inodes");
        org.junit.jupiter.api.Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m,nr_inodes=48", "tmpfs",
                mount.toString()), "This test mounts a small tmpfs, which needs root; it was skipped.");
        try (ServerFixture fixture = ServerFixture.startOn(mount.resolve("root"), b -> b);
                StepClient c = fixture.client()) {
            String token = c.login("2254001");
            int full = 0;
            for (int i = 0; i < 60; i++) {
                StepMessage r = c.call(Requests.fileSave(token, "k" + i, 10));
                StepMessage d = c.call(Requests.dataSave(token, "d" + i, Map.of("i", i)));
                StepMessage u = c.call(Requests.fileSave(c.login("user" + i), "k", 10));
                for (StepMessage m : List.of(r, d, u)) {
                    assertTrue(m.status() == 200 || m.status() == 507, m.toString());
                    if (m.status() == 507) {
                        full++;
                        assertTrue(m.statusMessage().contains("disk is full"), m.statusMessage());
                    }
                }
            }
            assertTrue(full > 0, "the file system ran out of inodes");
        } finally {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void tokensOfOneUserInOneSecondDiffer() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(); StepClient c = fixture.client()) {
            assertNotEquals(c.login("2254001"), c.login("2254001"));
        }
    }
}
