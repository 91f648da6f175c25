package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --overwrite} against a server without the {@code replace} extension could only delete the
 * old file first: without a terminal to ask on, it refuses unless {@code --delete-first} says so.
 */
class ClientOverwriteIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void aFitaServerReplacesSafelyWithOverwriteAlone() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root).port(), "dave");
        Path report = fita.work().resolve("report.pdf");
        Files.writeString(report, "first version");
        assertEquals(0, fita.run("upload", "report.pdf").exitCode());
        Files.writeString(report, "second version, longer");

        StandaloneJar.Result replaced = fita.run("upload", "report.pdf", "--overwrite");

        assertEquals(0, replaced.exitCode(), replaced::describe);
        assertEquals("second version, longer", fetched(fita), "replaced in one step (the replace extension)");
    }

    @Test
    void overwriteWithoutSafeReplaceNeedsDeleteFirst() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root, "--classic-only").port(), "dave");
        Path report = fita.work().resolve("report.pdf");
        Files.writeString(report, "first version");
        assertEquals(0, fita.run("upload", "report.pdf").exitCode());
        Files.writeString(report, "second version, longer");

        StandaloneJar.Result refused = fita.run("upload", "report.pdf", "--overwrite");

        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused::describe);
        assertTrue(refused.stderr().contains("cannot replace a file safely")
                && refused.stderr().contains("--delete-first"), refused::describe);
        assertEquals("first version", fetched(fita), "the old file is untouched");

        // A new key has nothing to delete: --overwrite alone goes ahead.
        StandaloneJar.Result fresh = fita.run("upload", "report.pdf", "--key", "new.pdf", "--overwrite");
        assertEquals(0, fresh.exitCode(), fresh::describe);

        StandaloneJar.Result replaced = fita.run("upload", "report.pdf", "--overwrite", "--delete-first");
        assertEquals(0, replaced.exitCode(), replaced::describe);
        assertEquals("second version, longer", fetched(fita), "replaced");
    }

    @Test
    void onATerminalOverwriteAsksFirst() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script makes the terminal");
        // A server without the replace extension: there overwriting means deleting first, so it asks.
        FitaClient fita = new FitaClient(dir, servers.start(root, "--classic-only").port(), "erin");
        // The classic password, so that no password prompt takes the answer.
        Map<String, String> password = Map.of("FITA_PASSWORD", TestData.classicPassword("erin"));
        Path report = fita.work().resolve("report.pdf");
        Files.writeString(report, "first version");
        assertEquals(0, fita.run("upload", "report.pdf").exitCode());
        Files.writeString(report, "second version, longer");

        StandaloneJar.Result no = fita.runOnTerminal(password, "n\n", "upload", "report.pdf", "--overwrite");

        assertEquals(ExitCodes.REFUSED, no.exitCode(), no::describe);
        assertTrue(no.stdout().contains("Delete it first, then upload?"), no::describe);
        assertEquals("first version", fetched(fita));

        StandaloneJar.Result yes = fita.runOnTerminal(password, "y\n", "upload", "report.pdf", "--overwrite");

        assertEquals(0, yes.exitCode(), yes::describe);
        assertTrue(yes.stdout().contains("Delete it first, then upload?") && yes.stdout().contains("verified"),
                yes::describe);
        assertEquals("second version, longer", fetched(fita));
    }

    private static String fetched(FitaClient fita) throws Exception {
        Path copy = fita.work().resolve("copy.pdf");
        Files.deleteIfExists(copy);
        StandaloneJar.Result run = fita.run("download", "report.pdf", "-o", "copy.pdf");
        assertEquals(0, run.exitCode(), run::describe);
        return Files.readString(copy);
    }
}
