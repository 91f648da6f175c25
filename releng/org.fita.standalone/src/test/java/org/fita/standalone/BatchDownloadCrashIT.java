package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a {@code fita download FOLDER/ -o DIR/} process while it fetches a few thousand small
 * files in BATCH_GET requests from a fita-server process: every file it reported is in DIR under
 * its final name with the server's bytes; every other file under a final name is whole too (a file
 * not reported may be missing, never half); anything else left is a part file named NAME.part.
 * The same command run again then completes, and every file is right.
 */
class BatchDownloadCrashIT {
    private static final String USER = "erin";
    private static final String FOLDER = "crash/";
    /** Enough that the download is still busy when the first of its files appears. */
    private static final int FILES = 4000;
    private static final Duration KILL_MOMENT_TIMEOUT = Duration.ofSeconds(120);
    /** The server's log line of an answered batch. */
    private static final Pattern BATCH_ANSWERED = Pattern.compile("FILE BATCH_GET by " + USER + " -> 200 ");

    /** When the client is killed, as far as the test can see it from outside. */
    enum KillMoment {
        /** A part file exists: batches are arriving, nothing is renamed yet (most likely). */
        FIRST_PART_FILE(true),
        /** A file has its final name: the syncs and renames of the first files have begun. */
        FIRST_FINAL_NAME(true),
        /** The client has reported a file: it reports only files that are on disk, all at the end. */
        FIRST_REPORT(false);

        /** Whether the download is certainly not over at this moment (4000 files take many batches). */
        final boolean duringTheDownload;

        KillMoment(boolean duringTheDownload) {
            this.duringTheDownload = duringTheDownload;
        }
    }

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void reportedFilesAreWholeAndNoFinalNameIsEverHalfAfterAKillAndTheSameCommandCompletes() throws Exception {
        ServerProcess server = servers.start(root);
        FitaClient fita = new FitaClient(dir, server.port(), USER);
        Map<String, byte[]> files = uploadSmallFiles(server.port(), fita.work().resolve("src"));

        for (KillMoment moment : KillMoment.values()) {
            Path out = fita.work().resolve("out-" + moment.name().toLowerCase(java.util.Locale.ROOT));
            String[] download = {"download", FOLDER, "-o", out + "/", "--json"};
            StandaloneJar.Result killed;
            try (ProcessRun run = fita.start(download)) {
                awaitThenKill(run, moment, out);
                killed = run.result();
            }
            if (moment.duringTheDownload) {
                // 128 + 9: the JVM was killed, it did not end on its own.
                assertEquals(137, killed.exitCode(), () -> moment + ": the download ended before the kill; nothing "
                        + "was tested (more files would help)\n" + killed.describe());
            }
            Map<String, JsonObject> reported = verifiedReports(killed);
            if (moment == KillMoment.FIRST_REPORT) {
                assertFalse(reported.isEmpty(), () -> "killed once a file was reported, yet none is\n"
                        + killed.describe());
            }
            assertCrashLeftNothingHalf(moment, files, out, reported);
            // What the kill hit, in the test's output file (target/failsafe-reports): a run that passes says it too.
            System.out.println(moment + ": exit code " + killed.exitCode() + ", " + reported.size() + " files reported, "
                    + countFiles(out, false) + " under their final names, " + countFiles(out, true) + " part files");

            StandaloneJar.Result again = fita.run(download);

            assertEquals(0, again.exitCode(), () -> moment + ": the same download after the kill\n" + again.describe());
            assertEveryFileReportedOnce(moment, files, again);
            assertEveryFileInPlace(moment, files, out);
        }
        assertTrue(BATCH_ANSWERED.matcher(server.transcript()).find(),
                "the downloads used BATCH_GET; the server's log:\n" + server.transcript());
        assertEquals(List.of(), fita.journalEntries(), "finished downloads leave no journal entry");
    }

    /** Writes FILES files of 1 B to 20 KB in a few folders, uploads them inline (in-process) and returns them by key. */
    private static Map<String, byte[]> uploadSmallFiles(int port, Path src) throws IOException, StepException {
        Map<String, byte[]> files = new TreeMap<>();
        List<SmallFiles.Upload> uploads = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            String name = "d" + (i % 7) + "/f" + i;
            byte[] content = TestData.random(1 + (i * 7919) % 20_000, i);
            Path file = src.resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            files.put(FOLDER + name, content);
            uploads.add(new SmallFiles.Upload(FOLDER + name, file));
        }
        Map<String, String> stored = new ConcurrentHashMap<>();
        List<String> failures = new ArrayList<>();
        List<SmallFiles.Upload> notInline;
        try (StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", port), USER,
                TestData.classicPassword(USER))) {
            notInline = SmallFiles.upload(session, uploads, new TransferOptions(8, 8, 0, false, 0), () -> false,
                    new SmallFiles.Listener() {
                        @Override
                        public void verified(TransferResult result) {
                            stored.put(result.key(), result.md5());
                        }

                        @Override
                        public void failed(String key, Path path, StepException e) {
                            failures.add(key + ": " + e.getMessage());
                        }
                    });
        }
        assertEquals(List.of(), failures, "inline uploads that failed");
        assertEquals(List.of(), notInline, "files the inline upload left");
        assertEquals(FILES, stored.size(), "files stored");
        return files;
    }

    /**
     * Waits (with a deadline) for {@code moment}, or for the client's end, then sends SIGKILL to the
     * client's JVM itself ({@code java -jar fita.jar}, no wrapper script).
     */
    private static void awaitThenKill(ProcessRun run, KillMoment moment, Path out)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + KILL_MOMENT_TIMEOUT.toNanos();
        while (run.process().isAlive() && !reached(moment, run, out)) {
            if (System.nanoTime() > deadline) {
                fail(moment + " did not come within " + KILL_MOMENT_TIMEOUT.toSeconds() + " s:\n"
                        + run.result().describe());
            }
            Thread.sleep(5);
        }
        run.kill();
    }

    private static boolean reached(KillMoment moment, ProcessRun run, Path out) throws IOException {
        try {
            return switch (moment) {
                case FIRST_PART_FILE -> anyFile(out, true);
                case FIRST_FINAL_NAME -> anyFile(out, false);
                case FIRST_REPORT -> run.result().stdout().contains("\"status\":\"verified\"");
            };
        } catch (IOException | UncheckedIOException e) {
            return false; // a file renamed or a folder created while it was walked: look again
        }
    }

    private static boolean anyFile(Path out, boolean partFile) throws IOException {
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> all = Files.walk(out)) {
            return all.anyMatch(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".part") == partFile);
        }
    }

    private static long countFiles(Path out, boolean partFiles) throws IOException {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(out)) {
            return all.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".part") == partFiles)
                    .count();
        }
    }

    /** The files a run reported verified, by key; a last line cut short by the kill is no report. */
    private static Map<String, JsonObject> verifiedReports(StandaloneJar.Result result) {
        String stdout = result.stdout();
        String complete = stdout.substring(0, stdout.lastIndexOf('\n') + 1);
        Map<String, JsonObject> verified = new HashMap<>();
        for (String line : complete.lines().toList()) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertEquals("verified", o.get("status").getAsString(), () -> line + "\n" + result.describe());
            assertEquals(null, verified.put(o.get("key").getAsString(), o), () -> "reported twice: " + line);
        }
        return verified;
    }

    /**
     * After the kill: every reported file is in place with its bytes; every file under a final name is
     * a file of the folder, whole; the only other files are part files named after a file of the folder.
     */
    private static void assertCrashLeftNothingHalf(KillMoment moment, Map<String, byte[]> files, Path out,
            Map<String, JsonObject> reported) throws IOException {
        for (Map.Entry<String, JsonObject> r : reported.entrySet()) {
            byte[] expected = files.get(r.getKey());
            assertNotNull(expected, () -> moment + ": reported a key never uploaded: " + r.getValue());
            Path target = out.resolve(r.getKey().substring(FOLDER.length()));
            assertEquals(target.toAbsolutePath().toString(), r.getValue().get("path").getAsString(), r.getKey());
            assertEquals(TestData.md5Hex(expected), r.getValue().get("md5").getAsString(), r.getKey());
            assertTrue(Files.isRegularFile(target), () -> moment + ": reported but missing after the kill: " + target);
            assertArrayEquals(expected, Files.readAllBytes(target), moment + ": reported, but not its bytes: " + target);
        }
        if (!Files.isDirectory(out)) {
            return;
        }
        List<Path> left;
        try (Stream<Path> all = Files.walk(out)) {
            left = all.filter(Files::isRegularFile).toList();
        }
        for (Path file : left) {
            String relative = out.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            if (relative.endsWith(".part")) {
                String key = FOLDER + relative.substring(0, relative.length() - ".part".length());
                assertTrue(files.containsKey(key), () -> moment + ": a part file of no file of the folder: " + file);
                assertFalse(reported.containsKey(key), () -> moment + ": a part file beside a reported file: " + file);
                continue;
            }
            byte[] expected = files.get(FOLDER + relative);
            assertNotNull(expected, () -> moment + ": a file that is neither a file of the folder nor a part file: "
                    + file);
            assertArrayEquals(expected, Files.readAllBytes(file), moment + ": a half or wrong file under its final "
                    + "name: " + file);
        }
    }

    /** Each file once, verified now or found already whole from before the kill, with its MD5. */
    private static void assertEveryFileReportedOnce(KillMoment moment, Map<String, byte[]> files,
            StandaloneJar.Result result) {
        Map<String, JsonObject> byKey = new TreeMap<>();
        for (JsonObject r : FitaClient.jsonLines(result)) {
            String key = r.get("key").getAsString();
            assertEquals(null, byKey.put(key, r), () -> moment + ": reported twice: " + key);
            String status = r.get("status").getAsString();
            assertTrue(status.equals("verified") || status.equals("identical"), r::toString);
            assertEquals(TestData.md5Hex(files.get(key)), r.get("md5").getAsString(), key);
        }
        assertEquals(files.keySet(), byKey.keySet(), moment + ": the files reported by the second run");
    }

    /** Every file in place with its bytes, and nothing else: no part file, no journal of the normal path. */
    private static void assertEveryFileInPlace(KillMoment moment, Map<String, byte[]> files, Path out)
            throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = out.resolve(f.getKey().substring(FOLDER.length()));
            assertArrayEquals(f.getValue(), Files.readAllBytes(target), moment + ": " + target);
        }
        try (Stream<Path> all = Files.walk(out)) {
            assertEquals(files.size(), all.filter(Files::isRegularFile).count(), moment + ": files in " + out);
        }
    }
}
