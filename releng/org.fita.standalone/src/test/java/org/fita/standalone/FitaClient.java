package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code fita} command as a person runs it: a child JVM of {@code fita.jar} in a working folder of
 * its own, with {@code FITA_HOME} and Java's user.home in a temporary folder so that its journal is
 * apart from the user's, logged in to one server as one user.
 */
final class FitaClient {
    private final Path work;
    private final Path home;
    private final List<String> login;

    FitaClient(Path dir, int port, String user) throws IOException {
        this.work = Files.createDirectories(dir.resolve("work"));
        this.home = Files.createDirectories(dir.resolve("home"));
        this.login = List.of("--server", "127.0.0.1:" + port, "--user", user);
    }

    /** The working folder: relative paths in arguments start here. */
    Path work() {
        return work;
    }

    /** FITA_HOME of this client (journal, known_servers). */
    Path home() {
        return home;
    }

    /** The journal folder of unfinished transfers under FITA_HOME. */
    Path journal() {
        return home.resolve("journal");
    }

    /** The files of the journal: one per unfinished transfer. */
    List<Path> journalEntries() throws IOException {
        if (!Files.isDirectory(journal())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(journal())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    /** Runs {@code fita args --server ... --user ...} to its end. */
    StandaloneJar.Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    StandaloneJar.Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        try (ProcessRun run = start(environment, args)) {
            return run.finish("fita " + String.join(" ", args));
        }
    }

    /** Runs {@code fita args} exactly as given, without the login options (the coursework form, usage errors). */
    StandaloneJar.Result runAsTyped(String... args) throws IOException, InterruptedException {
        return runAsTyped(Map.of(), args);
    }

    StandaloneJar.Result runAsTyped(Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        try (ProcessRun run = ProcessRun.start(builder(environment, List.of(args)))) {
            return run.finish("fita " + String.join(" ", args));
        }
    }

    /**
     * Runs {@code fita args --server ... --user ...} on a pseudo-terminal, through util-linux's
     * {@code script}, typing {@code input}; its terminal's output (echo included) is the result's stdout.
     */
    StandaloneJar.Result runOnTerminal(Map<String, String> environment, String input, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(login);
        ProcessBuilder fita = builder(environment, all);
        StringBuilder line = new StringBuilder();
        for (String word : fita.command()) {
            line.append(line.isEmpty() ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        List<String> command = List.of("script", "-qec", line.toString(), "/dev/null");
        ProcessBuilder onTerminal = new ProcessBuilder(command).directory(work.toFile());
        onTerminal.environment().clear();
        onTerminal.environment().putAll(fita.environment());
        Path typed = Files.writeString(home.resolve("typed.txt"), input);
        try (ProcessRun run = ProcessRun.start(onTerminal.redirectInput(typed.toFile()))) {
            return run.finish("fita " + String.join(" ", args) + " on a terminal");
        }
    }

    /** Starts {@code fita args --server ... --user ...} and returns at once; close the run to kill it. */
    ProcessRun start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    private ProcessRun start(Map<String, String> environment, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        // Options may follow the subcommand's arguments: they are inherited by every subcommand.
        all.addAll(login);
        return ProcessRun.start(builder(environment, all));
    }

    private ProcessBuilder builder(Map<String, String> environment, List<String> args) {
        Map<String, String> withHome = new java.util.HashMap<>(environment);
        withHome.put("FITA_HOME", home.toString());
        // Java's user.home too: nothing the client does may reach the user's own ~/.fita.
        return StandaloneJar.CLIENT.command(withHome, List.of("-Duser.home=" + home), args).directory(work.toFile());
    }

    /** The JSON objects of a --json run, one per line of standard output. */
    static List<JsonObject> jsonLines(StandaloneJar.Result result) {
        List<JsonObject> objects = new ArrayList<>();
        for (String line : result.stdoutLines()) {
            try {
                objects.add(JsonParser.parseString(line).getAsJsonObject());
            } catch (RuntimeException e) {
                fail("Not a JSON object: " + line + "\n" + result.describe());
            }
        }
        return objects;
    }

    /** The only JSON object a --json run printed. */
    static JsonObject jsonLine(StandaloneJar.Result result) {
        List<JsonObject> objects = jsonLines(result);
        if (objects.size() != 1) {
            fail("Expected one JSON object:\n" + result.describe());
        }
        return objects.get(0);
    }

    /** The JSON array of {@code fita list --json}. */
    static JsonArray jsonArray(StandaloneJar.Result result) {
        JsonElement parsed = JsonParser.parseString(result.stdout());
        if (!parsed.isJsonArray()) {
            fail("Expected a JSON array:\n" + result.describe());
        }
        return parsed.getAsJsonArray();
    }
}
