package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.fita.protocol.Extensions;
import org.fita.server.RequestEvent;
import org.fita.server.ServerListener;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Small files of a download fetched many per request (extension "batch-get"): against a real
 * server, with files gone or changed between the listing and the batch, and against a scripted
 * server whose batch replies break the rules.
 */
class BatchDownloadTest {
    @TempDir
    Path dir;

    /** Counts the requests a real server answered, by operation. */
    static final class Operations implements ServerListener {
        final Map<String, Integer> counts = new ConcurrentHashMap<>();

        @Override
        public void requestHandled(RequestEvent event) {
            counts.merge(event.operation(), 1, Integer::sum);
        }

        int of(String operation) {
            return counts.getOrDefault(operation, 0);
        }
    }

    private static List<SmallFiles.Download> listed(StepSession s, String prefix, Path out) throws StepException {
        List<SmallFiles.Download> wanted = new ArrayList<>();
        for (RemoteFile r : s.list(prefix)) {
            wanted.add(new SmallFiles.Download(r.key(), out.resolve(r.key()), r.size(), r.md5()));
        }
        return wanted;
    }

    @Test
    void aFolderOfSmallFilesComesInBatchesAndEqual() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            List<SmallFiles.Upload> files = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                files.add(new SmallFiles.Upload("many/f" + i, f.file("in/f" + i, 1 + (i * 7919) % 40_000, i)));
            }
            assertEquals(List.of(), SmallFiles.upload(s, files, TransferOptions.DEFAULTS, () -> false,
                    new SmallFilesTest.Heard()));
            Operations seen = new Operations();
            f.server.addListener(seen);

            Path out = f.local.resolve("out");
            SmallFilesTest.Heard down = new SmallFilesTest.Heard();
            assertEquals(List.of(), SmallFiles.download(s, listed(s, "many/", out), TransferOptions.DEFAULTS,
                    () -> false, down));

            assertTrue(down.failed.isEmpty(), down.failed::toString);
            assertEquals(500, down.verified.size());
            assertEquals(0, seen.of("DOWNLOAD"), "no file went one by one");
            int batches = seen.of("BATCH_GET");
            assertTrue(batches >= 500 / Extensions.MAX_BATCH_FILES && batches <= 500 / 8, "batches: " + batches);
            for (SmallFiles.Upload u : files) {
                Path back = out.resolve(u.key());
                assertArrayEquals(Files.readAllBytes(u.path()), Files.readAllBytes(back), u.key());
                assertEquals(EngineFixture.md5(back), down.verified.get(u.key()).md5());
            }
            try (Stream<Path> all = Files.walk(out)) {
                assertTrue(all.noneMatch(p -> p.toString().endsWith(".part")), "no part file is left");
            }
        }
    }

    @Test
    void aFileGoneOrChangedInTheMiddleOfABatchGoesToTheNormalPathAlone() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            List<SmallFiles.Upload> files = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                files.add(new SmallFiles.Upload("mid/f" + i, f.file("in/f" + i, 3000 + i, 100 + i)));
            }
            SmallFiles.upload(s, files, TransferOptions.DEFAULTS, () -> false, new SmallFilesTest.Heard());
            Path out = f.local.resolve("out");
            List<SmallFiles.Download> wanted = listed(s, "mid/", out);

            // After the listing: one file deleted, one replaced by other bytes of the same size.
            s.delete("mid/f5");
            Path other = f.file("in/other", 3000 + 9, 999);
            s.delete("mid/f9");
            s.upload(other, "mid/f9", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Operations seen = new Operations();
            f.server.addListener(seen);

            SmallFilesTest.Heard down = new SmallFilesTest.Heard();
            List<SmallFiles.Download> left = SmallFiles.download(s, wanted, new TransferOptions(1, 0, 0, false, 0),
                    () -> false, down);

            assertTrue(seen.of("BATCH_GET") >= 1);
            assertEquals(List.of("mid/f5", "mid/f9"), left.stream().map(SmallFiles.Download::key).toList());
            assertEquals(18, down.verified.size(), down.failed::toString);
            assertTrue(Files.notExists(out.resolve("mid/f5")) && Files.notExists(out.resolve("mid/f9")),
                    "nothing is written for them");
            for (int i = 0; i < 20; i++) {
                if (i != 5 && i != 9) {
                    assertArrayEquals(Files.readAllBytes(files.get(i).path()), Files.readAllBytes(out.resolve("mid/f" + i)));
                }
            }
        }
    }

    @Test
    void aServerWithoutBatchGetIsAskedFileByFile() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path a = f.file("in/a", 5000, 1);
            s.upload(a, "x/a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            // A scripted FiTA server that announces what this one did before batch-get, and relays to it.
            try (ScriptedServer older = relay(f, "pipelining", "block-size", "resume", "list");
                    StepSession o = StepSession.connect(older.address(), "u1", StepSession.classicPassword("u1"))) {
                SmallFilesTest.Heard down = new SmallFilesTest.Heard();
                assertEquals(List.of(), SmallFiles.download(o, listed(o, "x/", dir), TransferOptions.DEFAULTS,
                        () -> false, down));
                assertEquals(1, down.verified.size(), down.failed::toString);
                assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dir.resolve("x/a")));
                assertTrue(older.operations().contains("FILE DOWNLOAD"), older.operations()::toString);
                assertTrue(!older.operations().contains("FILE BATCH_GET"), older.operations()::toString);
            }
        }
    }

    /** A scripted server that announces {@code extensions} and passes every other request to the real one. */
    private static ScriptedServer relay(EngineFixture f, String... extensions) throws IOException {
        return new ScriptedServer(peer -> {
            try (java.net.Socket real = new java.net.Socket("127.0.0.1", f.server.port())) {
                var reader = new org.fita.protocol.FrameReader(new java.io.BufferedInputStream(real.getInputStream()),
                        org.fita.protocol.FrameLimits.CLIENT_DEFAULT);
                var writer = new org.fita.protocol.FrameWriter(real.getOutputStream());
                for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                    writer.write(r.message().json(), r.binary(), 0, r.binary().length);
                    writer.flush();
                    var frame = reader.next();
                    byte[] binary = frame.readBinary();
                    if ("LOGIN".equals(r.operation())) {
                        JsonObject reply = frame.message().json();
                        JsonArray names = new JsonArray();
                        for (String e : extensions) {
                            names.add(e);
                        }
                        reply.add("extensions", names);
                        peer.send(reply, binary);
                    } else {
                        peer.send(frame.message().json(), binary);
                    }
                }
            }
        });
    }

    /** Three small files as a listing gives them. */
    private static final byte[][] CONTENT = {"first file".getBytes(), "second, longer file".getBytes(),
        "third".getBytes()};

    private List<SmallFiles.Download> threeFiles() {
        List<SmallFiles.Download> wanted = new ArrayList<>();
        for (int i = 0; i < CONTENT.length; i++) {
            wanted.add(new SmallFiles.Download("h/f" + i, dir.resolve("out/f" + i), CONTENT[i].length,
                    ScriptedServer.md5(CONTENT[i])));
        }
        return wanted;
    }

    /**
     * A server announcing batch-get whose BATCH_GET reply is the honest one changed by {@code tamper}
     * (entries and bytes); whatever comes after it is refused, so the normal path cannot succeed.
     */
    private static ScriptedServer hostile(Function<JsonArray, byte[]> tamper) throws IOException {
        return new ScriptedServer(peer -> {
            for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                if ("LOGIN".equals(r.operation())) {
                    peer.login(r, "pipelining", "block-size", "list", "batch-get");
                } else if ("BATCH_GET".equals(r.operation())) {
                    JsonArray entries = new JsonArray();
                    for (JsonElement e : r.message().json().getAsJsonArray("files")) {
                        JsonObject asked = e.getAsJsonObject();
                        JsonObject entry = new JsonObject();
                        entry.add("key", asked.get("key"));
                        entry.addProperty("outcome", "ok");
                        entry.add("size", asked.get("size"));
                        entry.add("md5", asked.get("md5"));
                        entries.add(entry);
                    }
                    byte[] binary = tamper.apply(entries);
                    JsonObject reply = ScriptedServer.reply("BATCH_GET", "FILE", 200, "OK.");
                    reply.add("files", entries);
                    peer.send(reply, binary);
                } else {
                    peer.send(ScriptedServer.reply(r.operation(), "FILE", 404, "no"));
                }
            }
        });
    }

    private static byte[] honestBytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] c : CONTENT) {
            all.writeBytes(c);
        }
        return all.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong size", "key not asked for", "oversized", "missing entry", "bytes short"})
    void aBatchReplyThatBreaksTheRulesWritesNothingAndHandsEveryFileBack(String breach) throws Exception {
        try (ScriptedServer server = hostile(entries -> {
            byte[] bytes = honestBytes();
            switch (breach) {
                case "wrong size" -> entries.get(1).getAsJsonObject().addProperty("size", CONTENT[1].length + 1);
                case "key not asked for" -> entries.get(1).getAsJsonObject().addProperty("key", "../../etc/passwd");
                case "oversized" -> bytes = new byte[3 << 20];
                case "missing entry" -> entries.remove(2);
                default -> bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
            }
            return bytes;
        }); StepSession s = HostileServerTest.connect(server)) {
            List<SmallFiles.Download> wanted = threeFiles();
            SmallFilesTest.Heard down = new SmallFilesTest.Heard();
            List<SmallFiles.Download> left = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> SmallFiles.download(s, wanted, TransferOptions.DEFAULTS, () -> false, down));
            assertEquals(wanted, left, "every file of the broken reply goes to the normal path");
            assertTrue(down.verified.isEmpty() && down.failed.isEmpty());
            assertTrue(Files.notExists(dir.resolve("out")), "nothing was written");
            assertTrue(server.operations().contains("FILE BATCH_GET"), server.operations()::toString);
        }
    }

    @Test
    void bytesThatDoNotMatchTheirMd5SendOnlyThatFileToTheNormalPath() throws Exception {
        try (ScriptedServer server = hostile(entries -> {
            byte[] bytes = honestBytes();
            bytes[CONTENT[0].length] ^= 1; // the second file's first byte
            return bytes;
        }); StepSession s = HostileServerTest.connect(server)) {
            List<SmallFiles.Download> wanted = threeFiles();
            SmallFilesTest.Heard down = new SmallFilesTest.Heard();
            List<SmallFiles.Download> left = SmallFiles.download(s, wanted, TransferOptions.DEFAULTS, () -> false, down);
            assertEquals(List.of(wanted.get(1)), left);
            assertEquals(2, down.verified.size(), down.failed::toString);
            assertArrayEquals(CONTENT[0], Files.readAllBytes(dir.resolve("out/f0")));
            assertArrayEquals(CONTENT[2], Files.readAllBytes(dir.resolve("out/f2")));
            assertTrue(Files.notExists(dir.resolve("out/f1")) && Files.notExists(dir.resolve("out/f1.part")));
        }
    }
}
