package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installs with dpkg -i on this machine; its commands work from the PATH on the Java runtime
 * it bundles; its systemd unit passes systemd-analyze verify; the server's user and storage root exist.
 * The package is purged at the end, and a user and storage root it created are removed with it.
 * Needs root (the build machines and CI run as root); elsewhere the test is skipped, saying why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {
    private static final Duration DPKG_DEADLINE = Duration.ofMinutes(3);
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(60);
    /** The PATH a login shell has, not the build's (whose first entry is the JDK that runs Maven). */
    private static final Map<String, String> PLAIN_PATH =
            Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", "");
    private static boolean userExisted;
    private static boolean storageExisted;
    private static boolean installed;

    @TempDir
    Path temp;

    @BeforeAll
    static void install() throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "dpkg -i needs root; the build machines and CI run as root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "no dpkg on this machine");
        Command.Result status = Command.run(COMMAND_DEADLINE, "dpkg-query", "-W", "-f", "${Status}", "fita");
        assertFalse(status.out().contains("installed") && !status.out().contains("not-installed"),
                "a fita package is installed on this machine already; remove it (dpkg --purge fita) before this test");
        userExisted = Command.run(COMMAND_DEADLINE, "getent", "passwd", "fita-server").exitCode() == 0;
        storageExisted = Files.exists(Path.of("/var/lib/fita-server"), LinkOption.NOFOLLOW_LINKS);
        installed = true;
        Command.Result dpkg = Command.run(DPKG_DEADLINE, "dpkg", "-i",
                Release.file("fita_" + Release.version() + "_amd64.deb").toString());
        assertEquals(0, dpkg.exitCode(), "dpkg -i: " + dpkg.describe());
    }

    @AfterAll
    static void purge() throws IOException, InterruptedException {
        if (!installed) {
            return;
        }
        Command.Result dpkg = Command.run(DPKG_DEADLINE, "dpkg", "--purge", "fita");
        if (!userExisted) {
            Command.run(COMMAND_DEADLINE, "userdel", "fita-server");
            Command.run(COMMAND_DEADLINE, "groupdel", "fita-server");
        }
        if (!storageExisted) {
            Command.run(COMMAND_DEADLINE, "rm", "-rf", "/var/lib/fita-server");
        }
        assertEquals(0, dpkg.exitCode(), "dpkg --purge: " + dpkg.describe());
        assertFalse(Files.exists(Path.of("/usr/lib/fita")), "purge leaves /usr/lib/fita behind");
    }

    @Test
    @Order(1)
    void commandsRunFromThePath() throws IOException, InterruptedException {
        for (String command : List.of("fita", "fita-server", "fita-workbench")) {
            assertEquals("/usr/bin/" + command, Command.run(COMMAND_DEADLINE, PLAIN_PATH, "sh", "-c",
                    "command -v " + command).out().trim(), command + " on the PATH");
        }
        Command.Result version = Command.run(COMMAND_DEADLINE, PLAIN_PATH, "fita", "--version");
        assertEquals(0, version.exitCode(), version.describe());
        assertTrue(version.out().startsWith("fita (FiTA " + Release.version() + ")"), version.describe());
        assertTrue(version.out().contains("Java 2"), "the bundled runtime: " + version.describe());
        assertEquals("", version.err(), version.describe());
        // The start-up cache made for the bundled runtime and jar maps (the user's log options come last).
        Map<String, String> logging = new java.util.HashMap<>(PLAIN_PATH);
        logging.put("FITA_JAVA_OPTS", "-Xlog:aot=info");
        Command.Result cached = Command.run(COMMAND_DEADLINE, logging, "fita", "--version");
        assertTrue(cached.out().contains("Opened AOT cache /usr/lib/fita/fita.aot"), cached.describe());

        Command.Result help = Command.run(COMMAND_DEADLINE, PLAIN_PATH, "fita-server", "--help");
        assertEquals(0, help.exitCode(), help.describe());
        assertTrue(help.out().contains("--root"), help.describe());
        Command.Result serverVersion = Command.run(COMMAND_DEADLINE, PLAIN_PATH, "fita-server", "--version");
        assertTrue(serverVersion.out().startsWith("fita-server (FiTA " + Release.version() + ")"), serverVersion.describe());

        Command.Result workbench = Command.run(COMMAND_DEADLINE, PLAIN_PATH, "fita-workbench", "--version");
        assertEquals(0, workbench.exitCode(), workbench.describe());
        assertTrue(workbench.out().startsWith("fita-workbench (FiTA " + Release.version() + ")\nJava "), workbench.describe());
        assertTrue(workbench.out().contains(" at /usr/lib/fita/workbench/jre/bin/java"), "the bundled runtime: " + workbench.describe());
    }

    @Test
    @Order(2)
    void serverUserAndPrivateStorageRootExist() throws IOException, InterruptedException {
        Command.Result user = Command.run(COMMAND_DEADLINE, "getent", "passwd", "fita-server");
        assertEquals(0, user.exitCode(), "the fita-server user");
        assertTrue(user.out().trim().endsWith(":/var/lib/fita-server:/usr/sbin/nologin"), user.out());
        Path root = Path.of("/var/lib/fita-server");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("fita-server", Files.getOwner(root, LinkOption.NOFOLLOW_LINKS).getName());
    }

    @Test
    @Order(3)
    void systemdUnitVerifies() throws IOException, InterruptedException {
        Path unit = Path.of("/usr/lib/systemd/system/fita-server.service");
        assertTrue(Files.isRegularFile(unit), "the unit is installed");
        Command.Result verify = Command.run(COMMAND_DEADLINE, "systemd-analyze", "verify", unit.toString());
        assertEquals(0, verify.exitCode(), verify.describe());
        assertFalse((verify.out() + verify.err()).contains("fita-server.service"), "warnings about the unit: " + verify.describe());
        String text = Files.readString(unit);
        assertTrue(text.contains("\nUser=fita-server\n") && text.contains("\nStateDirectoryMode=0700\n"), text);
    }

    @Test
    @Order(4)
    void serverStartsOnTheBundledRuntimeAsItsUser() throws IOException, InterruptedException {
        // What the unit's ExecStart runs, as its user, on a storage root of that user's (the real one stays empty).
        Path root = temp.resolve("root");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Command.Result chown = Command.run(COMMAND_DEADLINE, "chown", "fita-server:fita-server", root.toString());
        assertEquals(0, chown.exitCode(), chown.describe());
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        try (Command server = Command.start(List.of("runuser", "-u", "fita-server", "--", "/usr/bin/fita-server",
                "--root", root.toString(), "--host", "127.0.0.1", "--port", "0", "--auth", "accounts"), PLAIN_PATH)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!server.result().out().contains("Server is ready on 127.0.0.1:") && System.nanoTime() < deadline) {
                assertTrue(server.alive(), "fita-server ended: " + server.result().describe());
                Thread.sleep(200);
            }
            assertTrue(server.result().out().contains("Server is ready on 127.0.0.1:"), server.result().describe());
        }
    }

    @Test
    @Order(5)
    void desktopEntryAndWorkbenchFromThePackage() throws IOException, InterruptedException {
        String desktop = Files.readString(Path.of("/usr/share/applications/fita.desktop"));
        assertTrue(desktop.contains("\nExec=fita-workbench\n") && desktop.contains("\nIcon=fita\n"), desktop);
        assertTrue(Files.isRegularFile(Path.of("/usr/share/icons/hicolor/48x48/apps/fita.png")), "the icon");
        if (Files.isExecutable(Path.of("/usr/bin/desktop-file-validate"))) {
            Command.Result validate = Command.run(COMMAND_DEADLINE, "desktop-file-validate", "/usr/share/applications/fita.desktop");
            assertEquals("", (validate.out() + validate.err()).trim(), validate.describe());
        }
        // The bundled runtime carries the workbench too, and the shared installation stays untouched.
        Path home = temp.resolve("home");
        Workbench.startAndSeeWindow(List.of("/usr/bin/fita-workbench"), home);
        assertTrue(Files.isDirectory(home.resolve(".fita/configuration")), "the OSGi cache goes to ~/.fita/configuration");
        try (var written = Files.list(Path.of("/usr/lib/fita/workbench/configuration"))) {
            assertEquals(List.of("config.ini", "org.eclipse.equinox.simpleconfigurator", "org.eclipse.update"),
                    written.map(p -> p.getFileName().toString()).sorted().toList(), "nothing written into /usr/lib/fita");
        }
    }
}
