package org.fita.release;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output goes to files (it never blocks on a full pipe) and that is killed,
 * with its children, when it outlives its deadline or the test.
 */
final class Command implements AutoCloseable {
    private final String description;
    private final Process process;
    private final Path out;
    private final Path err;

    private Command(String description, Process process, Path out, Path err) {
        this.description = description;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    record Result(int exitCode, String out, String err) {
        String describe() {
            return "exit code " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Command start(List<String> command, Map<String, String> environment) throws IOException {
        Path out = Files.createTempFile("fita-release-out", ".txt");
        Path err = Files.createTempFile("fita-release-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return new Command(String.join(" ", command), process, out, err);
    }

    /** Runs to the end within {@code deadline}; a command still running then is killed and fails the test. */
    static Result run(Duration deadline, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        try (Command running = start(List.of(command), environment)) {
            return running.finish(deadline);
        }
    }

    static Result run(Duration deadline, String... command) throws IOException, InterruptedException {
        return run(deadline, Map.of(), command);
    }

    Result finish(Duration deadline) throws IOException, InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            fail(description + " still ran after " + deadline.toSeconds() + " s:\n" + result().describe());
        }
        return result();
    }

    boolean alive() {
        return process.isAlive();
    }

    Result result() throws IOException {
        return new Result(process.isAlive() ? -1 : process.exitValue(),
                Files.readString(out, Charset.defaultCharset()), Files.readString(err, Charset.defaultCharset()));
    }

    /** SIGTERM to the process and its descendants, SIGKILL after 10 s. */
    void stop() throws InterruptedException {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                handle.destroyForcibly();
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
