package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overwrite that cannot lose the old file, and classic servers' completion race and lost replies. */
class OverwriteAndClassicTest {
    static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path file(String name, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static StepSession connect(ScriptedServer server) throws StepException {
        return StepSession.connect(server.address(), "u", StepSession.classicPassword("u"), HostileServerTest.QUICK);
    }

    @Test
    void aServerThatReplacesGetsReplaceTrueAndNeverADelete() throws Exception {
        MemoryStore store = new MemoryStore("pipelining", "block-size", "resume", "replace");
        try (ScriptedServer server = new ScriptedServer(store); StepSession s = connect(server)) {
            Path v1 = file("v1", 100_000, 1);
            Path v2 = file("v2", 150_000, 2);
            s.upload(v1, "k", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            s.upload(v2, "k", TransferOptions.DEFAULTS.withOverwrite(true), TransferListener.NONE).await();
            assertArrayEquals(Files.readAllBytes(v2), store.files.get("k"));
            assertFalse(server.operations().contains("FILE DELETE"), server.operations().toString());
            assertTrue(server.requests.stream().anyMatch(r -> r.operation().equals("SAVE")
                    && r.message().bool("replace").orElse(false)), "the plan asked to replace");
        }
    }

    @Test
    void withoutReplaceOverwriteNeedsLeaveToDeleteFirst() throws Exception {
        MemoryStore store = new MemoryStore("pipelining", "block-size", "resume");
        try (ScriptedServer server = new ScriptedServer(store); StepSession s = connect(server)) {
            Path v1 = file("v1", 100_000, 1);
            Path v2 = file("v2", 150_000, 2);
            s.upload(v1, "k", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            StepException e = assertThrows(StepException.DeleteFirstRequiredException.class,
                    () -> s.upload(v2, "k", TransferOptions.DEFAULTS.withOverwrite(true), TransferListener.NONE).await());
            assertTrue(e.getMessage().contains("cannot replace a file in one step"), e.getMessage());
            assertFalse(server.operations().contains("FILE DELETE"), server.operations().toString());
            assertArrayEquals(Files.readAllBytes(v1), store.files.get("k"), "the old file is kept");

            s.upload(v2, "k", TransferOptions.DEFAULTS.withOverwrite(true).withDeleteFirstAllowed(true),
                    TransferListener.NONE).await();
            assertTrue(server.operations().contains("FILE DELETE"));
            assertArrayEquals(Files.readAllBytes(v2), store.files.get("k"));
        }
    }

    @Test
    void aClassicServerThatDiesOnConcurrentCompletionIsNeverRaced() throws Exception {
        MemoryStore store = new MemoryStore();
        store.dieOnSecondCompletion = true;
        store.uploadMillis = 20;
        TransferOptions noRetry = TransferOptions.DEFAULTS.withRetry(RetryPolicy.NONE);
        try (ScriptedServer server = new ScriptedServer(store); StepSession s = connect(server)) {
            for (int r = 0; r < 4; r++) {
                int round = r;
                // Whole multiples of the lanes in flight: without care, the last blocks arrive together.
                Path f = file("f" + round, round % 2 == 0 ? 20480 * 120 : 20480 * 12, round);
                TransferOptions options = round % 2 == 0 ? noRetry
                        : new TransferOptions(4, 1, 0, false, 0).withRetry(RetryPolicy.NONE);
                assertTimeoutPreemptively(LIMIT, () -> s.upload(f, "k" + round, options, TransferListener.NONE).await());
                assertArrayEquals(Files.readAllBytes(f), store.files.get("k" + round));
            }
            assertEquals(0, store.died.get(), "no two blocks completed the file at once");
        }
    }

    @Test
    void aLostCompletingReplyIsCheckedWithFileGet() throws Exception {
        MemoryStore store = new MemoryStore();
        store.neverAnswerCompletion = true;
        try (ScriptedServer server = new ScriptedServer(store); StepSession s = connect(server)) {
            Path f = file("f", 50_000, 3);
            assertTimeoutPreemptively(LIMIT, () -> s.upload(f, "k", TransferOptions.DEFAULTS.withRetry(RetryPolicy.NONE),
                    TransferListener.NONE).await());
            assertTrue(server.operations().contains("FILE GET"), "checked the server's md5");
        }
    }
}
