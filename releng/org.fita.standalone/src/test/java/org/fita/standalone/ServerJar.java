package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fita.cli.PasswordInput;

/** The shaded {@code fita-server.jar} under test, and one-shot runs of it (usage errors, {@code user} subcommands). */
final class ServerJar {
    private static final long RUN_TIMEOUT_SECONDS = 60;

    private ServerJar() {
    }

    /** Set by failsafe; the fallback lets an IDE run the tests after {@code mvn package}. */
    static Path path() {
        Path jar = Path.of(System.getProperty("fita.server.jar", "target/fita-server.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), () -> jar + " is missing; build it with mvn package first.");
        return jar;
    }

    /** A process builder for {@code java -jar fita-server.jar args}, with none of the caller's FITA_PASSWORD. */
    static ProcessBuilder command(Map<String, String> environment, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heap: tests start several servers on a machine that may be building something else.
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(path().toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(PasswordInput.ENVIRONMENT_VARIABLE);
        builder.environment().putAll(environment);
        return builder;
    }

    /** Runs the jar to its end; a run that outlives the timeout is killed and fails the test. */
    static Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("fita-server-out", ".txt");
        Path err = Files.createTempFile("fita-server-err", ".txt");
        try {
            Process process = command(environment, List.of(args))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            // Nothing to read from us: a command waiting for a password line sees end of input.
            process.getOutputStream().close();
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("fita-server " + String.join(" ", args) + " still ran after " + RUN_TIMEOUT_SECONDS
                        + " s; output:\n" + Files.readString(out, Charset.defaultCharset())
                        + Files.readString(err, Charset.defaultCharset()));
            }
            return new Result(process.exitValue(), Files.readString(out, Charset.defaultCharset()),
                    Files.readString(err, Charset.defaultCharset()));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** For assertion messages: everything the run said. */
        String describe() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
