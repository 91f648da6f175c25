package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cache of releng/scripts/run-standalone-jar: made after a first run that finds none,
 * used by the runs after it, and never in the way: a damaged cache, a rebuilt jar or options that
 * bring their own archive still give the command's exact output and nothing on standard error.
 * The scripts and the jar are copied into a temporary tree, so the checkout's jar is never touched.
 */
class StartupCacheIT {
    private static final Duration MAKING = Duration.ofSeconds(120);

    @TempDir
    Path tree;
    private Path cache;
    private Path jar;
    private String expected;

    @BeforeEach
    void copyTheScriptsAndTheJar() throws IOException, InterruptedException {
        Path scripts = Path.of(System.getProperty("fita.scripts", "../scripts")).toAbsolutePath().normalize();
        Path scriptCopies = Files.createDirectories(tree.resolve("releng/scripts"));
        for (String name : List.of("run-standalone-jar", "with-jdk21", "fita-client.jvm-options")) {
            Files.copy(scripts.resolve(name), scriptCopies.resolve(name));
        }
        jar = Files.createDirectories(tree.resolve("releng/org.fita.standalone/target")).resolve("fita.jar");
        Files.copy(StandaloneJar.CLIENT.path(), jar);
        cache = tree.resolve("cache");
        expected = StandaloneJar.CLIENT.run(Map.of(), "--version").stdout();
    }

    @Test
    void theFirstRunLeavesACacheThatLaterRunsUseAndADamagedOneIsPassedOver() throws Exception {
        StandaloneJar.Result first = fita(Map.of());
        assertClean(first);
        Path made = awaitOneCache();

        assertClean(fita(Map.of()));
        if (made.toString().endsWith(".aot")) {
            // The user's options come last: asking for the JVM's own log shows that it mapped the cache.
            StandaloneJar.Result logged = fita(Map.of("FITA_JAVA_OPTS", "-Xlog:aot=info"));
            assertTrue(logged.stdout().contains("Opened AOT cache " + made), logged::describe);
        }

        Files.write(made, new byte[64 * 1024]); // damaged: same name, no archive inside
        assertClean(fita(Map.of()));
        assertClean(fita(Map.of()));
    }

    @Test
    void aRebuiltJarGetsANewCacheAndTheOldOneGoes() throws Exception {
        assertClean(fita(Map.of()));
        Path old = awaitOneCache();
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        assertClean(fita(Map.of()));
        Path made = awaitOneCache();
        assertFalse(made.equals(old), "a cache for the rebuilt jar, not the old one");
        assertFalse(Files.exists(old) && made.toString().endsWith(".aot"), "the old cache was removed");
        assertClean(fita(Map.of()));
    }

    @Test
    void optionsWithAnArchiveOfTheirOwnAndTurningItOffStillRun() throws Exception {
        assertClean(fita(Map.of("FITA_JAVA_OPTS", "-Xshare:off")));
        assertClean(fita(Map.of("FITA_STARTUP_CACHE", "off")));
        assertFalse(hasCacheFiles(), "no cache was made while the runs asked for none");
        // Another collector than the script's: the user's choice wins, and the cache still serves.
        assertClean(fita(Map.of("FITA_JAVA_OPTS", "-XX:+UseG1GC")));
        awaitOneCache();
        assertClean(fita(Map.of("FITA_JAVA_OPTS", "-XX:+UseG1GC")));
        // Compiler options of the user's own replace fita-client.jvm-options's.
        assertClean(fita(Map.of("FITA_JAVA_OPTS", "-XX:TieredStopAtLevel=1")));
        assertClean(fita(Map.of("FITA_JAVA_OPTS", "-XX:CompileCommand=quiet -XX:CompileCommand=exclude,java.lang.String::hashCode")));
    }

    private StandaloneJar.Result fita(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", tree.resolve("releng/scripts/run-standalone-jar").toString(),
                "fita", "--version");
        Map<String, String> env = builder.environment();
        env.remove("FITA_JAVA_OPTS");
        // The JDK that runs the tests: the scripts would otherwise pick one themselves.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", tree.toString());
        env.put("FITA_CACHE_DIR", cache.toString());
        env.putAll(environment);
        try (ProcessRun run = ProcessRun.start(builder)) {
            return run.finish("run-standalone-jar fita --version");
        }
    }

    private void assertClean(StandaloneJar.Result result) {
        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("", result.stderr(), result::describe);
        assertTrue(result.stdout().startsWith(expected), result::describe);
    }

    /** Waits until the cache is made (the maker runs in the background) and returns it. */
    private Path awaitOneCache() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + MAKING.toNanos();
        while (System.nanoTime() < deadline) {
            List<Path> files = cacheFiles();
            if (files.size() == 1 && !files.get(0).toString().contains(".making")
                    && files.stream().allMatch(p -> p.toString().endsWith(".aot") || p.toString().endsWith(".jsa"))) {
                return files.get(0);
            }
            Thread.sleep(100);
        }
        fail("No start-up cache within " + MAKING.toSeconds() + " s: " + cacheFiles());
        return null;
    }

    private boolean hasCacheFiles() throws IOException {
        return !cacheFiles().isEmpty();
    }

    private List<Path> cacheFiles() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(cache)) {
            return all.toList();
        }
    }
}
