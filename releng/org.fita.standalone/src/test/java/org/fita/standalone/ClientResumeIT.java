package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupted transfers of the {@code fita} command continue where they stopped: killed with SIGKILL
 * (a crash) and run again, or stopped with SIGTERM and continued by {@code fita resume}. They run
 * slowly on purpose (one connection, one request in flight, a rate limit), so that the interruption
 * comes midway; the tests wait for blocks to be held, not for a guessed time.
 */
class ClientResumeIT {
    private static final int MIB = 1 << 20;
    private static final int SIZE = 48 * MIB;
    /** Two seconds for the whole file, so the interruption finds it unfinished. */
    private static final String RATE = "24M/s";
    /** Blocks (1 MiB, the default block size) that must have moved before the interruption. */
    private static final long BLOCKS_BEFORE_INTERRUPTION = 8;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(30);
    /** 128 + the signal's number: the JVM ended because of SIGKILL or SIGTERM. */
    private static final int KILLED = 137;
    private static final int TERMINATED = 143;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    private final byte[] content = TestData.random(SIZE, 53);
    private FitaClient fita;

    @BeforeEach
    void startAServerAndWriteTheFile() throws Exception {
        fita = new FitaClient(dir, servers.start(root).port(), "carol");
        Files.write(fita.work().resolve("big.bin"), content);
    }

    private static String[] slowly(String... command) {
        List<String> all = new java.util.ArrayList<>(List.of(command));
        all.addAll(List.of("--connections", "1", "--window", "1", "--limit-rate", RATE, "--json"));
        return all.toArray(String[]::new);
    }

    @Test
    void uploadKilledMidwayFinishesWhenTheSameCommandRunsAgain() throws Exception {
        String[] upload = slowly("upload", "big.bin");
        try (ProcessRun crashed = fita.start(upload)) {
            Await.until("the server holds " + BLOCKS_BEFORE_INTERRUPTION + " blocks", PROGRESS_TIMEOUT, crashed,
                    () -> Await.blocksHeldByServer(root) >= BLOCKS_BEFORE_INTERRUPTION);
            StandaloneJar.Result killed = crashed.kill();
            assertEquals(KILLED, killed.exitCode(), killed::describe);
        }
        assertEquals(1, fita.journalEntries().size(), "journal entries of unfinished transfers");

        StandaloneJar.Result again = fita.run(upload);

        assertEquals(0, again.exitCode(), again::describe);
        assertResumed("upload", FitaClient.jsonLine(again));
        assertEquals(List.of(), fita.journalEntries(), "journal entries after the upload finished");
        JsonArray listed = FitaClient.jsonArray(fita.run("list", "--json"));
        assertEquals(1, listed.size(), listed::toString);
        assertEquals(TestData.md5Hex(content), listed.get(0).getAsJsonObject().get("md5").getAsString(),
                "the server's md5 of the file");
    }

    @Test
    void uploadStoppedBySigtermIsCancelledCleanlyAndFinishedByResume() throws Exception {
        try (ProcessRun stopped = fita.start(slowly("upload", "big.bin"))) {
            Await.until("the server holds " + BLOCKS_BEFORE_INTERRUPTION + " blocks", PROGRESS_TIMEOUT, stopped,
                    () -> Await.blocksHeldByServer(root) >= BLOCKS_BEFORE_INTERRUPTION);
            StandaloneJar.Result terminated = stopped.terminate();
            assertEquals(TERMINATED, terminated.exitCode(), terminated::describe);
            assertTrue(terminated.stderr().contains("was cancelled") && terminated.stderr().contains("fita resume"),
                    terminated::describe);
            JsonObject failure = FitaClient.jsonLine(terminated);
            assertEquals("failed", failure.get("status").getAsString(), failure::toString);
            // What the JSON says is what the process exits with.
            assertEquals(TERMINATED, failure.get("exit_code").getAsInt(), failure::toString);
        }

        StandaloneJar.Result resumed = fita.run("resume", "--json");

        assertEquals(0, resumed.exitCode(), resumed::describe);
        assertTrue(resumed.stderr().contains("Resuming the upload of"), resumed::describe);
        assertResumed("upload", FitaClient.jsonLine(resumed));
        StandaloneJar.Result nothingLeft = fita.run("resume");
        assertEquals(0, nothingLeft.exitCode(), nothingLeft::describe);
        assertEquals("Nothing to resume.", nothingLeft.stdout().strip(), nothingLeft::describe);
    }

    @Test
    void downloadStoppedByCtrlCSaysAndExitsWith130() throws Exception {
        StandaloneJar.Result uploaded = fita.run("upload", "big.bin");
        assertEquals(0, uploaded.exitCode(), uploaded::describe);
        Path received = fita.work().resolve("copy.bin.part.fita");
        try (ProcessRun stopped = fita.start(slowly("download", "big.bin", "-o", "copy.bin"))) {
            Await.until(BLOCKS_BEFORE_INTERRUPTION + " blocks received", PROGRESS_TIMEOUT, stopped,
                    () -> Await.blockLines(received) >= BLOCKS_BEFORE_INTERRUPTION);
            StandaloneJar.Result interrupted = stopped.interrupt();
            assertEquals(ExitCodes.CANCELLED, interrupted.exitCode(), interrupted::describe);
            JsonObject failure = FitaClient.jsonLine(interrupted);
            assertEquals("failed", failure.get("status").getAsString(), failure::toString);
            assertEquals(ExitCodes.CANCELLED, failure.get("exit_code").getAsInt(), failure::toString);
        }
    }

    @Test
    void downloadKilledMidwayContinuesFromItsPartFile() throws Exception {
        StandaloneJar.Result uploaded = fita.run("upload", "big.bin");
        assertEquals(0, uploaded.exitCode(), uploaded::describe);
        String[] download = slowly("download", "big.bin", "-o", "copy.bin");
        Path part = fita.work().resolve("copy.bin.part");
        Path received = fita.work().resolve("copy.bin.part.fita");
        try (ProcessRun crashed = fita.start(download)) {
            Await.until(BLOCKS_BEFORE_INTERRUPTION + " blocks received", PROGRESS_TIMEOUT, crashed,
                    () -> Await.blockLines(received) >= BLOCKS_BEFORE_INTERRUPTION);
            StandaloneJar.Result killed = crashed.kill();
            assertEquals(KILLED, killed.exitCode(), killed::describe);
        }
        assertTrue(Files.exists(part), "the part file stays for the next run");

        StandaloneJar.Result again = fita.run(download);

        assertEquals(0, again.exitCode(), again::describe);
        assertResumed("download", FitaClient.jsonLine(again));
        assertArrayEquals(content, Files.readAllBytes(fita.work().resolve("copy.bin")), "downloaded bytes");
        assertFalse(Files.exists(part) || Files.exists(received), "part files remain after the download finished");
    }

    /** The second run verified the whole file but moved only what the first one had not. */
    private void assertResumed(String operation, JsonObject result) {
        assertEquals(operation, result.get("operation").getAsString(), result::toString);
        assertEquals("verified", result.get("status").getAsString(), result::toString);
        assertEquals(SIZE, result.get("size").getAsLong(), result::toString);
        assertEquals(TestData.md5Hex(content), result.get("md5").getAsString(), result::toString);
        long moved = result.get("moved").getAsLong();
        assertTrue(moved > 0 && moved <= SIZE - BLOCKS_BEFORE_INTERRUPTION * MIB,
                () -> "moved " + moved + " of " + SIZE + " bytes: " + result);
    }
}
