package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.fita.transfer.ConnectionLimits;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broken or hostile server cannot hang the engine, exhaust its memory or fill the disk: each case
 * ends within seconds (the limits are shortened) with a typed error that says what happened.
 */
class HostileServerTest {
    /** 2 s per reply, at least 1 KiB/s over any second of a block. */
    static final ConnectionLimits QUICK = new ConnectionLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 1024,
            Duration.ofSeconds(1));
    static final TransferOptions NO_RETRY = TransferOptions.DEFAULTS.withRetry(RetryPolicy.NONE);
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final String MD5 = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    static StepSession connect(ScriptedServer server) throws StepException {
        return StepSession.connect(server.address(), "u", StepSession.classicPassword("u"), QUICK);
    }

    /** A FiTA-like server whose FILE GET answers {@code plan}'s fields; DOWNLOAD gets {@code onDownload}. */
    static ScriptedServer planServer(JsonObject plan, ScriptedServer.Script onDownload) throws Exception {
        return new ScriptedServer(peer -> {
            for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                switch (r.operation()) {
                    case "LOGIN" -> peer.login(r, "pipelining", "block-size", "resume", "list");
                    case "GET" -> {
                        JsonObject reply = plan.deepCopy();
                        ScriptedServer.reply("GET", "FILE", 200, "OK. This is the download plan.").entrySet()
                                .forEach(e -> reply.add(e.getKey(), e.getValue()));
                        peer.send(reply);
                    }
                    case "DOWNLOAD" -> onDownload.serve(peer);
                    default -> peer.send(ScriptedServer.reply(r.operation(), "FILE", 408, "no"));
                }
            }
        });
    }

    static JsonObject plan(long size, long blockSize, long total) {
        JsonObject p = new JsonObject();
        p.addProperty("key", "k");
        p.addProperty("size", size);
        p.addProperty("total_block", total);
        p.addProperty("block_size", blockSize);
        p.addProperty("md5", MD5);
        return p;
    }

    @ParameterizedTest
    @ValueSource(longs = {-20480, 0, 1L << 31, 1L << 40})
    void aDownloadPlanWithAnImpossibleBlockSizeFailsAtOnce(long blockSize) throws Exception {
        try (ScriptedServer server = planServer(plan(100_000, blockSize, 5), p -> p.hang());
                StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                    StepException.ProtocolViolationException.class,
                    () -> s.download("k", dir.resolve("out"), NO_RETRY, TransferListener.NONE).await()));
            assertTrue(e.getMessage().contains("planned blocks of"), e.getMessage());
            assertNothingWritten();
        }
    }

    @Test
    void aDownloadPlanWhoseBlockCountDoesNotAddUpFails() throws Exception {
        try (ScriptedServer server = planServer(plan(100_000, 20480, 3), p -> p.hang()); StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                    StepException.ProtocolViolationException.class,
                    () -> s.download("k", dir.resolve("out"), TransferOptions.DEFAULTS, TransferListener.NONE).await()));
            assertTrue(e.getMessage().contains("that takes 5"), e.getMessage());
        }
    }

    @Test
    void aTerabytePlanFailsOnFreeSpaceBeforeAnythingIsWritten() throws Exception {
        long size = 1L << 40;
        if (Files.getFileStore(dir).getUsableSpace() >= size) {
            size = Files.getFileStore(dir).getUsableSpace() * 2; // more than this disk holds, whatever its size
        }
        int block = 16 << 20;
        try (ScriptedServer server = planServer(plan(size, block, (size - 1) / block + 1), p -> p.hang());
                StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.LocalFileException.class,
                    () -> s.download("k", dir.resolve("big"), TransferOptions.DEFAULTS, TransferListener.NONE).await()));
            assertTrue(e.getMessage().contains("Not enough free space"), e.getMessage());
            assertNothingWritten();
        }
    }

    @Test
    void aBlockOfTheWrongLengthOrIndexIsRefusedUnread() throws Exception {
        try (ScriptedServer server = planServer(plan(8192, 4096, 2), peer -> {
            JsonObject r = ScriptedServer.reply("DOWNLOAD", "FILE", 200, "An available block.");
            r.addProperty("block_index", 7);
            peer.send(r, new byte[4096]);
        }); StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                    StepException.ProtocolViolationException.class,
                    () -> s.download("k", dir.resolve("out"), TransferOptions.DEFAULTS, TransferListener.NONE).await()));
            assertTrue(e.getMessage().contains("as block 7"), e.getMessage());
        }
    }

    @Test
    void aTricklingBlockFailsOnTheLowSpeedLimit() throws Exception {
        try (ScriptedServer server = planServer(plan(4096, 4096, 1), peer -> {
            JsonObject r = ScriptedServer.reply("DOWNLOAD", "FILE", 200, "An available block.");
            r.addProperty("block_index", 0);
            r.addProperty("size", 4096);
            byte[] json = r.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(8).putInt(json.length).putInt(4096);
            peer.raw(header.array());
            peer.raw(json);
            for (int i = 0; i < 4096; i++) {
                peer.raw(new byte[] {1}); // one byte every 200 ms: 5 bytes/s
                Thread.sleep(200);
            }
        }); StepSession s = connect(server)) {
            long start = System.nanoTime();
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.TimeoutException.class,
                    () -> s.download("k", dir.resolve("out"), NO_RETRY, TransferListener.NONE).await()));
            assertTrue(e.getMessage().contains("low-speed limit"), e.getMessage());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "failed within a few low-speed periods");
        }
    }

    @Test
    void aTricklingReplyFailsOnTheReplyDeadline() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> {
            for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                if (r.operation().equals("LOGIN")) {
                    peer.login(r, "list");
                    continue;
                }
                byte[] json = ScriptedServer.reply("GET", "FILE", 200, "OK").toString()
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                peer.raw(java.nio.ByteBuffer.allocate(8).putInt(json.length).putInt(0).array());
                for (byte b : json) {
                    peer.raw(new byte[] {b}); // each byte within the per-read timeout, the whole far beyond
                    Thread.sleep(500);
                }
            }
        }); StepSession s = connect(server)) {
            long start = System.nanoTime();
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.TimeoutException.class,
                    () -> s.stat("k")));
            assertTrue(e.getMessage().contains("did not answer within 2 s"), e.getMessage());
            assertTrue(System.nanoTime() - start < 6_000_000_000L, "one deadline, not one per byte");
        }
    }

    @Test
    void aListingWhoseCursorDoesNotAdvanceIsAnError() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> {
            for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                if (r.operation().equals("LOGIN")) {
                    peer.login(r, "list");
                    continue;
                }
                JsonObject page = ScriptedServer.reply("LIST", "FILE", 200, "OK. This is a page of 1 files.");
                JsonArray files = new JsonArray();
                JsonObject f = new JsonObject();
                f.addProperty("key", "a");
                f.addProperty("size", 1);
                f.addProperty("md5", MD5);
                f.addProperty("modified", 1);
                files.add(f);
                page.add("files", files);
                page.addProperty("next_after", "a");
                peer.send(page);
            }
        }); StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(StepException.ProtocolViolationException.class, () -> s.list(null)));
            assertTrue(e.getMessage().contains("does not advance"), e.getMessage());
            assertTrue(server.requests.size() <= 4, "stopped at the repeat: " + server.requests.size() + " requests");
        }
    }

    @Test
    void anEndlessListingIsBounded() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> {
            for (ScriptedServer.Request r; (r = peer.next()) != null;) {
                if (r.operation().equals("LOGIN")) {
                    peer.login(r, "list");
                    continue;
                }
                String after = r.message().string("after").orElse("");
                JsonObject page = ScriptedServer.reply("LIST", "FILE", 200, "OK.");
                JsonArray files = new JsonArray();
                String key = after;
                for (int i = 0; i < 1000; i++) {
                    key = key.isEmpty() ? "k000000" : String.format("k%06d", Integer.parseInt(key.substring(1)) + 1);
                    JsonObject f = new JsonObject();
                    f.addProperty("key", key);
                    f.addProperty("size", 1);
                    f.addProperty("md5", MD5);
                    files.add(f);
                }
                page.add("files", files);
                page.addProperty("next_after", key); // always more
                peer.send(page);
            }
        }); StepSession s = connect(server)) {
            StepException e = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(StepException.ProtocolViolationException.class, () -> s.list(null, 5000)));
            assertTrue(e.getMessage().contains("more than 5000 files"), e.getMessage());
        }
    }

    @Test
    void aServerThatStopsReadingFailsOnTheWriteWatchdog() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> {
            peer.expectLogin("pipelining", "block-size", "resume");
            Thread.sleep(60_000); // then reads nothing more
        }); StepSession s = connect(server)) {
            // 48 MiB, more than loopback's buffers hold (up to 36 MiB here): the write blocks for good.
            String big = "x".repeat(48 << 20);
            long start = System.nanoTime();
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.TimeoutException.class,
                    () -> s.saveData("record", java.util.Map.of("note", big))));
            assertTrue(e.getMessage().contains("took no data for 2 s"), e.getMessage());
            assertTrue(System.nanoTime() - start < 15_000_000_000L, "failed within a few write deadlines");
        }
    }

    @Test
    void anUnknownHostSaysSo() {
        StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.UnknownHostException.class,
                () -> StepSession.connect(new ServerAddress("nosuchhost.invalid", 14599), "u", "p", QUICK)));
        assertTrue(e.getMessage().startsWith("nosuchhost.invalid: unknown host"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void anHttpServerIsNotTakenForAStepServer() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> {
            peer.socket.getInputStream().read(new byte[100]);
            peer.raw("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        })) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                    StepException.NotStepServerException.class, () -> connect(server)));
            assertTrue(e.getMessage().contains("does not speak STEP: it answered with what looks like HTTP"),
                    e.getMessage());
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheReplyDeadline() throws Exception {
        try (ScriptedServer server = new ScriptedServer(peer -> peer.hang())) {
            StepException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(StepException.TimeoutException.class,
                    () -> connect(server)));
            assertTrue(e.getMessage().contains("did not answer within 2 s"), e.getMessage());
        }
    }

    private void assertNothingWritten() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertEquals(List.of(), all, "nothing written in the target folder");
        }
    }
}
