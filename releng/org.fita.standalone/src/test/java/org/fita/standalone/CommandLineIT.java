package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What scripts and service managers rely on: exit codes, messages, and a clean stop on SIGTERM. */
class CommandLineIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @Test
    void badOptionValueIsAUsageErrorNamingTheOption() throws Exception {
        StandaloneJar.Result run = StandaloneJar.SERVER.run("--port", "notanumber", "--root", root.toString());

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.stderr().contains("--port") && run.stderr().contains("notanumber"), run::describe);
        assertTrue(run.stderr().contains("Usage: fita-server"), run::describe);
    }

    @Test
    void secondServerOnTheSameRootExitsOneAndSaysWhy() throws Exception {
        ServerProcess first = servers.start(root);

        StandaloneJar.Result second = StandaloneJar.SERVER.run("--host", "127.0.0.1", "--port", "0", "--root", root.toString());

        assertEquals(1, second.exitCode(), second::describe);
        assertTrue(second.stderr().contains("storage root"), second::describe);
        assertTrue(first.process().isAlive(), "the first server must keep running");
        try (StepClient client = StepClient.connect(first.port())) {
            client.login("dave", TestData.classicPassword("dave"));
        }
    }

    @Test
    void sigtermClosesTheServerCleanlyAndReleasesTheRoot() throws Exception {
        ServerProcess server = servers.start(root);

        int exitCode = server.terminate();

        // 128 + 15: the JVM ended because of the signal, after running its shutdown hooks.
        assertEquals(143, exitCode, server::transcript);
        // Fails if the output ends without it: the shutdown hook did not close the server.
        server.awaitLine(Pattern.compile("Server stopped"), ServerProcess.START_TIMEOUT);
        servers.start(root).close();
    }

    @Test
    void helpAndVersionExitZero() throws Exception {
        StandaloneJar.Result help = StandaloneJar.SERVER.run("--help");
        assertEquals(0, help.exitCode(), help::describe);
        assertTrue(help.stdout().contains("Usage: fita-server") && help.stdout().contains("user"), help::describe);

        StandaloneJar.Result version = StandaloneJar.SERVER.run("--version");
        assertEquals(0, version.exitCode(), version::describe);
        assertTrue(version.stdout().contains("FiTA"), version::describe);
    }
}
