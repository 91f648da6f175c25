package org.fita.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.fita.transfer.StepSession;

/**
 * The training run of the client's start-up cache (releng/scripts/run-standalone-jar):
 * {@code java -XX:AOTCacheOutput=CACHE -cp fita.jar org.fita.cli.StartupTraining HOST:PORT FOLDER}
 * runs, in one JVM, what users run most (an upload, a download and a listing of a 4 MiB file, a
 * folder of 200 small files both ways, and the help) against a server of the script's own, so that the cache holds the classes and method
 * profiles of both directions. FOLDER receives the files; FITA_HOME must name a scratch folder too.
 * Exits 0 only if every command succeeded (a cache of a failed run would miss what it is for).
 */
public final class StartupTraining {
    private static final String USER = "train";
    private static final int SIZE = 4 << 20;
    private static final int SMALL_FILES = 200;
    private static final int SMALL_SIZE = 10 << 10;

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        String server = args[0];
        Path folder = Files.createDirectories(Path.of(args[1]));
        Path file = folder.resolve("train.bin");
        byte[] bytes = new byte[SIZE];
        new Random(1).nextBytes(bytes);
        Files.write(file, bytes);
        String[] login = {"--server", server, "--user", USER, "--password", StepSession.classicPassword(USER), "-q"};
        int failures = 0;
        failures += run(concat(new String[] {"upload", file.toString()}, login));
        failures += run(concat(new String[] {"download", "train.bin", "-o", folder.resolve("back.bin").toString()},
                login));
        failures += run(concat(new String[] {"list"}, login));
        // A folder of small files takes its own path (inline saves, batched downloads).
        Path small = Files.createDirectories(folder.resolve("small"));
        for (int i = 0; i < SMALL_FILES; i++) {
            Files.write(small.resolve("f" + i), java.util.Arrays.copyOfRange(bytes, i * SMALL_SIZE, (i + 1) * SMALL_SIZE));
        }
        failures += run(concat(new String[] {"upload", small.toString(), "--key", "small"}, login));
        failures += run(concat(new String[] {"download", "small/", "-o", folder.resolve("small-back").toString() + "/"},
                login));
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        HelpTexts.print(new String[] {"--help"}, nowhere);
        HelpTexts.print(new String[] {"upload", "--version"}, nowhere);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static int run(String[] args) {
        return new ClientCommand().execute(args) == ExitCodes.OK ? 0 : 1;
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
