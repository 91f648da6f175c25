package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code fita-server} child process on 127.0.0.1 with a free port. Its output (stdout and stderr
 * merged) is read line by line on a thread of its own, so the server never blocks on a full pipe and
 * tests can wait for a given line.
 */
final class ServerProcess implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern READY = Pattern.compile("Server is ready on 127\\.0\\.0\\.1:(\\d+)");
    /** Queued when the output ends, so a waiting test learns at once that the server exited. */
    private static final String END_OF_OUTPUT = "\0end of output";

    private final Process process;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();
    private final int port;

    private ServerProcess(Process process) throws InterruptedException {
        this.process = process;
        Thread pump = new Thread(this::pumpOutput, "fita-server-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        this.port = Integer.parseInt(awaitLine(READY, START_TIMEOUT).group(1));
    }

    /** Starts {@code fita-server --host 127.0.0.1 --port 0 --root root} plus {@code args}; returns once it listens. */
    static ServerProcess start(Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--root", root.toString()));
        command.addAll(List.of(args));
        return start(StandaloneJar.SERVER.command(Map.of(), command));
    }

    /** Starts {@code builder}, a fita-server listening on 127.0.0.1 (through a script, say); returns once it listens. */
    static ServerProcess start(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        process.getOutputStream().close();
        try {
            return new ServerProcess(process);
        } catch (AssertionError | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private void pumpOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), Charset.defaultCharset()))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                transcript.append(line).append('\n');
                unread.add(line);
            }
        } catch (IOException e) {
            transcript.append("(reading the output failed: ").append(e).append(")\n");
        } finally {
            unread.add(END_OF_OUTPUT);
        }
    }

    /** Waits for a line of output matching {@code pattern}; fails if the output ends or time runs out first. */
    Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("No line matching /" + pattern + "/ within " + timeout.toSeconds() + " s. Output so far:\n" + transcript);
            }
            if (line == END_OF_OUTPUT) {
                unread.add(END_OF_OUTPUT);
                fail("The server's output ended (exit code " + exitCodeOrNull() + ") without a line matching /"
                        + pattern + "/. Output:\n" + transcript);
            }
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String transcript() {
        return transcript.toString();
    }

    /** SIGKILL on Linux: no shutdown hook, no flush; exactly a crash as far as the storage can tell. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "The server survived SIGKILL");
        // 128 + 9: the JVM did not exit on its own, it was killed.
        assertEquals(137, process.exitValue(), "exit code after SIGKILL");
    }

    /** SIGTERM; returns the exit code once the process has ended. Its output stays readable to the end. */
    int terminate() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the output pipe.
        process.toHandle().destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("The server still ran " + STOP_TIMEOUT.toSeconds() + " s after SIGTERM. Output:\n" + transcript);
        }
        return process.exitValue();
    }

    private Integer exitCodeOrNull() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Kills the process if it still runs; safe to call twice. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
