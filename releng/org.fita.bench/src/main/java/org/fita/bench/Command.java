package org.fita.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs another program (rsync, scp, md5sum, the fita command) as a whole process and times it from
 * start to exit, as a user waits for it. Its output goes to a log file in the scratch folder, so
 * that nothing it prints can fill a pipe, and the end of that log explains a failure.
 */
final class Command {
    /** Longer than any single command of the bench takes on a slow machine (1 GiB through scp). */
    static final Duration LIMIT = Duration.ofMinutes(5);
    private static final int TAIL = 2000;

    private final Path log;

    Command(Path log) {
        this.log = log;
    }

    /** Runs the command to its end and returns its wall time; a non-zero exit is an IOException. */
    long time(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        long before = logSize();
        flushDirtyPages();
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", command) + " did not end within " + LIMIT + ": " + tail(before));
        }
        long nanos = System.nanoTime() - start;
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                    + tail(before));
        }
        return nanos;
    }

    /**
     * Writes every file's dirty pages to disk (`sync`), untimed, before a timed transfer: each tool then
     * starts from the same disk. Otherwise the first tool that syncs (FiTA syncs every file; rsync and scp
     * leave theirs in the page cache) waits for what the tools before it left unwritten: the file system's
     * journal commit of an fsync also writes out other files' data.
     */
    static void flushDirtyPages() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!sync.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            sync.destroyForcibly();
            throw new IOException("sync did not end within " + LIMIT + ": the disk is stuck.");
        }
    }

    long time(List<String> command) throws IOException, InterruptedException {
        return time(command, Map.of());
    }

    private long logSize() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the command printed, at most the last TAIL bytes of it. */
    private String tail(long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, file.length() - TAIL);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no output)" : text;
        } catch (IOException e) {
            return "(its output in " + log + " could not be read: " + e.getMessage() + ")";
        }
    }

    /** The program's absolute path if it is installed in one of the usual places, else null. */
    static Path find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
