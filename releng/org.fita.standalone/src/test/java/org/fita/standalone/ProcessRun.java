package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose standard output and error go to temporary files, so that it never blocks
 * on a full pipe, and whose output is read once it has ended (or while it runs, for a condition).
 */
final class ProcessRun implements AutoCloseable {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path out;
    private final Path err;

    private ProcessRun(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static ProcessRun start(ProcessBuilder builder) throws IOException {
        Path out = Files.createTempFile("fita-run-out", ".txt");
        Path err = Files.createTempFile("fita-run-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // Nothing to read from us (unless input was redirected from a file): a command waiting for input sees its end.
        process.getOutputStream().close();
        return new ProcessRun(process, out, err);
    }

    Process process() {
        return process;
    }

    /** Waits for the end; a process that outlives {@link #RUN_TIMEOUT} is killed and fails the test. */
    StandaloneJar.Result finish(String description) throws IOException, InterruptedException {
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail(description + " still ran after " + RUN_TIMEOUT.toSeconds() + " s; output:\n" + result().describe());
        }
        return result();
    }

    /** SIGKILL on Linux: no shutdown hook runs, exactly a crash. Returns what it said until then. */
    StandaloneJar.Result kill() throws IOException, InterruptedException {
        process.destroyForcibly();
        return finish("a killed process");
    }

    /** SIGTERM: the JVM runs its shutdown hooks. Through the handle, which sends exactly that signal. */
    StandaloneJar.Result terminate() throws IOException, InterruptedException {
        process.toHandle().destroy();
        return finish("a terminated process");
    }

    /** SIGINT, what Ctrl-C sends; Java has no call for it, so kill(1) sends it. */
    StandaloneJar.Result interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -INT " + process.pid() + " failed");
        }
        return finish("an interrupted process");
    }

    /** The output so far, complete once the process has ended. */
    StandaloneJar.Result result() throws IOException {
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new StandaloneJar.Result(exitCode, Files.readString(out, Charset.defaultCharset()),
                Files.readString(err, Charset.defaultCharset()));
    }

    /** Kills the process if it still runs and removes the output files; safe to call twice. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }
}
