package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fita.release.Release.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linux x86_64 archive, unpacked into a fresh folder outside the checkout, starts and shows the FiTA window. */
class WorkbenchArchiveIT {
    @TempDir
    Path temp;

    @Test
    void unpackedArchiveStartsAndShowsTheFitaWindow() throws IOException, InterruptedException {
        Path checkout = Release.dir().toAbsolutePath().getParent().getParent().getParent().getParent();
        assertFalse(temp.toAbsolutePath().startsWith(checkout), "the test folder must lie outside the checkout");
        Path unpacked = temp.resolve("unpacked");
        Files.createDirectories(unpacked);
        Command.Result tar = Command.run(Duration.ofSeconds(120), "tar", "-xzf",
                Platform.LINUX_X86_64.archive().toString(), "-C", unpacked.toString());
        assertEquals(0, tar.exitCode(), tar.describe());
        Path script = unpacked.resolve("fita-workbench/fita-workbench");
        assertTrue(Files.isExecutable(script), "the start script is executable after tar -x");

        Command.Result version = Command.run(Duration.ofSeconds(60), script.toString(), "--version");
        assertEquals(0, version.exitCode(), version.describe());
        assertTrue(version.out().startsWith("fita-workbench (FiTA " + Release.version() + ")\n"), version.describe());
        assertTrue(version.out().matches("(?s).*\nJava (2[1-9]|[3-9][0-9]) at .*"), version.describe());

        Path appJar;
        try (var plugins = Files.list(unpacked.resolve("fita-workbench/plugins"))) {
            appJar = plugins.filter(p -> p.getFileName().toString().startsWith("org.fita.app_")).findFirst().orElseThrow();
        }
        try (var jar = new java.util.jar.JarFile(appJar.toFile())) {
            String about = new String(jar.getInputStream(jar.getEntry("plugin.properties")).readAllBytes(),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(about.contains("aboutText=FiTA " + Release.version() + "\\n"), "About names the release: " + about);
        }

        String window = Workbench.startAndSeeWindow(List.of(script.toString()), temp.resolve("home"));
        assertTrue(window.contains("\"FiTA"), window);
        assertTrue(Files.isDirectory(temp.resolve("home/.fita/workbench")), "workbench state goes to ~/.fita/workbench");
    }
}
