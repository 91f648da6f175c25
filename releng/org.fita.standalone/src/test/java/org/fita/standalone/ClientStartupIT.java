package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short ways through {@code fita}'s start: help and version printed from texts rendered at
 * build time, and a model of the one subcommand named. Each must give exactly what picocli's whole
 * model gives, which a picocli.* system property forces (the short ways step aside for it).
 * FITA_TRACE_PHASES shows which way a run took.
 */
class ClientStartupIT {
    private static final List<String> COMMANDS = List.of("", "upload", "download", "list", "delete", "resume",
            "known-servers");
    private static final String SHORT_HELP = "phase help printed";
    private static final String FORCE_PICOCLI = "-Dpicocli.trace=OFF";

    @TempDir
    Path home;

    @Test
    void helpAndVersionAreThoseOfPicocliAndTakeTheShortWay() throws Exception {
        for (String command : COMMANDS) {
            for (String option : List.of("--help", "-h", "--version", "-V")) {
                List<String> args = new ArrayList<>();
                if (!command.isEmpty()) {
                    args.add(command);
                }
                args.add(option);
                StandaloneJar.Result quick = run(Map.of(), List.of(), args);
                StandaloneJar.Result whole = run(Map.of(), List.of(FORCE_PICOCLI), args);
                assertEquals(0, quick.exitCode(), quick::describe);
                assertEquals(whole.stdout(), quick.stdout(), String.join(" ", args));
                assertTrue(quick.stderr().contains(SHORT_HELP), quick::describe);
                assertFalse(whole.stderr().contains(SHORT_HELP), whole::describe);
            }
        }
    }

    @Test
    void theUsersNameIsTheDefaultOfUserInTheHelp() throws Exception {
        for (String user : List.of("a", "someone.else_12")) {
            StandaloneJar.Result quick = run(Map.of(), List.of("-Duser.name=" + user), List.of("upload", "--help"));
            StandaloneJar.Result whole = run(Map.of(), List.of("-Duser.name=" + user, FORCE_PICOCLI),
                    List.of("upload", "--help"));
            assertTrue(quick.stdout().contains("(default: " + user + ")."), quick::describe);
            assertEquals(whole.stdout(), quick.stdout());
        }
        // A name that could change the layout: picocli renders it.
        String longName = "a-user-name-longer-than-the-rendered-one";
        StandaloneJar.Result odd = run(Map.of(), List.of("-Duser.name=" + longName), List.of("--help"));
        assertFalse(odd.stderr().contains(SHORT_HELP), odd::describe);
        assertTrue(odd.stdout().contains(longName), odd::describe);
    }

    @Test
    void aFitaServerThatPicocliRefusesStillFailsHelpAsBefore() throws Exception {
        for (String server : List.of("host:notaport", "")) {
            Map<String, String> bad = Map.of("FITA_SERVER", server);
            StandaloneJar.Result quick = run(bad, List.of(), List.of("--help"));
            StandaloneJar.Result whole = run(bad, List.of(FORCE_PICOCLI), List.of("--help"));
            assertEquals(2, quick.exitCode(), quick::describe);
            assertEquals(withoutPhases(whole.stderr()), withoutPhases(quick.stderr()));
        }
        StandaloneJar.Result good = run(Map.of("FITA_SERVER", "steps://example.org"), List.of(), List.of("--help"));
        assertEquals(0, good.exitCode(), good::describe);
        assertTrue(good.stderr().contains(SHORT_HELP), good::describe);
    }

    @Test
    void usageErrorsOfTheMainCommandListEveryCommand() throws Exception {
        String file = Files.writeString(home.resolve("file"), "data").toString();
        List<List<String>> lines = List.of(
                List.of("--connections", "x", "upload", file),
                List.of("--bogus", "download", "key"),
                List.of("--user", "upload", "download", "key"),
                // Checked by the subcommand as it runs, but an error of the main command's options.
                List.of("upload", file, "--connections", "-1", "--server", "127.0.0.1:1"),
                List.of("--window=-2", "download", "key", "--server", "127.0.0.1:1"),
                List.of("--help", "upload"));
        for (List<String> args : lines) {
            StandaloneJar.Result run = run(Map.of(), List.of(), args);
            String said = run.stdout() + run.stderr();
            assertTrue(said.contains("Usage: fita [") && said.contains("known-servers  Lists the servers"),
                    run::describe);
            assertEquals(args.get(0).equals("--help") ? 0 : 2, run.exitCode(), run::describe);
        }
        StandaloneJar.Result sub = run(Map.of(), List.of(), List.of("upload", "--bogus", file));
        assertEquals(2, sub.exitCode(), sub::describe);
        assertTrue(sub.stderr().contains("Usage: fita upload ["), sub::describe);
    }

    /**
     * The build made the start-up cache beside the jar (JDK 25+ on Unix), trained on upload and
     * download: the checkout's script maps it from the first run on and makes no cache of its own.
     */
    @Test
    void theBuildsStartupCacheServesTheFirstRun() throws Exception {
        Path jar = StandaloneJar.CLIENT.path();
        if (Runtime.version().feature() < 25 || System.getProperty("os.name").startsWith("Windows")) {
            return; // the build makes no cache there; the first run makes one (StartupCacheIT)
        }
        Path made;
        try (Stream<Path> files = Files.list(jar.getParent())) {
            made = files.filter(p -> p.getFileName().toString().matches("fita-.*\\.aot")).findFirst().orElse(null);
        }
        assertTrue(made != null, "no start-up cache beside " + jar);
        Path cacheDir = home.resolve("cache");
        Path script = Path.of(System.getProperty("fita.scripts", "../scripts"), "fita").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--version");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("FITA_CACHE_DIR", cacheDir.toString());
        builder.environment().put("FITA_JAVA_OPTS", "-Xlog:aot=info");
        StandaloneJar.Result run;
        try (ProcessRun process = ProcessRun.start(builder)) {
            run = process.finish("fita --version");
        }
        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.stdout().contains("Opened AOT cache " + made), run::describe);
        assertFalse(Files.exists(cacheDir) && Files.list(cacheDir).findAny().isPresent(), "no cache of the user's");
    }

    private static String withoutPhases(String stderr) {
        return stderr.replaceAll("(?m)^fita: phase .*\\R", "");
    }

    private StandaloneJar.Result run(Map<String, String> environment, List<String> jvmOptions, List<String> args)
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("FITA_TRACE_PHASES", "1");
        env.put("FITA_HOME", home.toString());
        ProcessBuilder builder = StandaloneJar.CLIENT.command(env, jvmOptions, args);
        if (!environment.containsKey("FITA_SERVER")) {
            builder.environment().remove("FITA_SERVER");
        }
        try (ProcessRun process = ProcessRun.start(builder)) {
            return process.finish("fita " + String.join(" ", args));
        }
    }
}
