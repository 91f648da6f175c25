package org.fita.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fita.transfer.StepSession;

/**
 * The {@code fita} command as a user runs it (releng/scripts/fita, or the program --fita names):
 * a whole process per transfer, timed from start to exit, JVM start included. Its home (journal) is
 * in the scratch folder and its heap is capped like the bench's own client.
 */
final class FitaCommand {
    private final Path program;
    private final Command command;
    private final Map<String, String> environment;

    FitaCommand(Path program, Path scratch, String home) throws IOException {
        this.program = program;
        this.command = new Command(scratch.resolve("fita-commands.log"));
        String javaOptions = (System.getenv().getOrDefault("FITA_JAVA_OPTS", "") + " -Xmx256m").trim();
        this.environment = Map.of(
                // Never the user's own ~/.fita: the journal of these runs lives and dies with the scratch folder.
                "FITA_HOME", Files.createDirectories(scratch.resolve(home)).toString(),
                "FITA_JAVA_OPTS", javaOptions,
                "FITA_PASSWORD", StepSession.classicPassword(BenchContext.USER),
                // The bench's own JDK, so that the script does not search for one on every run.
                "JAVA_HOME", System.getProperty("java.home"));
    }

    Path program() {
        return program;
    }

    /** {@code fita ARGS --server 127.0.0.1:PORT --user bench -q}, timed. */
    long time(int port, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(program.toString()));
        c.addAll(List.of(args));
        c.addAll(List.of("--server", "127.0.0.1:" + port, "--user", BenchContext.USER, "-q"));
        return command.time(c, environment);
    }

    /** A command without a server, such as {@code --help}. */
    long timeAlone(List<String> commandLine) throws IOException, InterruptedException {
        return command.time(commandLine, environment);
    }
}
