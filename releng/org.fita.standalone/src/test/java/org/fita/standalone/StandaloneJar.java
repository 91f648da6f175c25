package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fita.cli.PasswordInput;

/** The shaded jars under test, {@code fita-server.jar} and {@code fita.jar}, and one-shot runs of them. */
enum StandaloneJar {
    SERVER("fita-server", "fita.server.jar"),
    CLIENT("fita", "fita.client.jar");

    private final String command;
    private final String property;

    StandaloneJar(String command, String property) {
        this.command = command;
        this.property = property;
    }

    /** Set by failsafe; the fallback lets an IDE run the tests after {@code mvn package}. */
    Path path() {
        Path jar = Path.of(System.getProperty(property, "target/" + command + ".jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), () -> jar + " is missing; build it with mvn package first.");
        return jar;
    }

    /** A process builder for {@code java -jar JAR args}, with none of the caller's FITA_PASSWORD. */
    ProcessBuilder command(Map<String, String> environment, List<String> args) {
        return command(environment, List.of(), args);
    }

    /** The same with JVM options before {@code -jar}, such as a user.home in a temporary folder. */
    ProcessBuilder command(Map<String, String> environment, List<String> jvmOptions, List<String> args) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heap: tests start several JVMs on a machine that may be building something else.
        line.add("-Xmx256m");
        line.addAll(jvmOptions);
        line.add("-jar");
        line.add(path().toString());
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().remove(PasswordInput.ENVIRONMENT_VARIABLE);
        builder.environment().putAll(environment);
        return builder;
    }

    /** Runs the jar to its end; a run that outlives the timeout is killed and fails the test. */
    Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        try (ProcessRun run = ProcessRun.start(command(environment, List.of(args)))) {
            return run.finish(command + " " + String.join(" ", args));
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** For assertion messages: everything the run said. */
        String describe() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }
    }
}
