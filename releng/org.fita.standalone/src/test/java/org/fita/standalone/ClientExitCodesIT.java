package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What scripts rely on: the exit code of each kind of failure, a message on stderr, and JSON that parses. */
class ClientExitCodesIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void refusedLoginIsThree() throws Exception {
        StandaloneJar.Result added = StandaloneJar.SERVER.run(Map.of("FITA_PASSWORD", "s3cret"), "user", "add", "erin",
                "--root", root.toString());
        assertEquals(0, added.exitCode(), added::describe);
        FitaClient fita = new FitaClient(dir, servers.start(root, "--auth", "accounts").port(), "erin");

        StandaloneJar.Result wrong = fita.run("list", "--password", "wrong", "--json");

        assertEquals(ExitCodes.AUTHENTICATION, wrong.exitCode(), wrong::describe);
        assertTrue(wrong.stderr().contains("wrong username or password") && wrong.stderr().contains("--password"),
                wrong::describe);
        assertEquals(ExitCodes.AUTHENTICATION, FitaClient.jsonLine(wrong).get("exit_code").getAsInt(), wrong::describe);
        // No password and no terminal: the classic md5(name), which an accounts server refuses.
        assertEquals(ExitCodes.AUTHENTICATION, fita.run("list").exitCode());
        StandaloneJar.Result right = fita.run(Map.of("FITA_PASSWORD", "s3cret"), "list");
        assertEquals(0, right.exitCode(), right::describe);
    }

    @Test
    void unreachableServerIsFour() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FitaClient fita = new FitaClient(dir, closedPort, "frank");

        StandaloneJar.Result run = fita.run("list");

        assertEquals(ExitCodes.NETWORK, run.exitCode(), run::describe);
        assertTrue(run.stderr().contains("Cannot connect to 127.0.0.1:" + closedPort), run::describe);
    }

    @Test
    void missingKeyIsSixAndItsJsonSaysWhy() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root).port(), "grace");

        StandaloneJar.Result run = fita.run("download", "no/such-key", "--json");

        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::describe);
        JsonObject failure = FitaClient.jsonLine(run);
        assertEquals("download", failure.get("operation").getAsString(), failure::toString);
        assertEquals("no/such-key", failure.get("key").getAsString(), failure::toString);
        assertEquals("failed", failure.get("status").getAsString(), failure::toString);
        assertEquals(ExitCodes.REFUSED, failure.get("exit_code").getAsInt(), failure::toString);
        assertTrue(failure.get("error").getAsString().contains("404"), failure::toString);
        assertFalse(Files.exists(fita.work().resolve("such-key")), "no file for a missing key");
    }

    @Test
    void aMissingKeyIsWordedAlikeByEveryCommandAndServer() throws Exception {
        for (String[] serverArgs : new String[][] {{}, {"--classic-only"}}) {
            Path serverRoot = Files.createDirectories(root.resolve("root" + serverArgs.length));
            FitaClient fita = new FitaClient(Files.createDirectories(dir.resolve("client" + serverArgs.length)),
                    servers.start(serverRoot, serverArgs).port(), "grace");
            String expected = "\"no/such-key\" is not on the server (404). Check the key; 'fita list' shows yours (on a"
                    + " FiTA server).";
            for (String command : new String[] {"download", "delete"}) {
                StandaloneJar.Result run = fita.run(command, "no/such-key", "--json");

                assertEquals(ExitCodes.REFUSED, run.exitCode(), run::describe);
                assertEquals("fita " + command + ": " + expected, run.stderr().strip(), run::describe);
                JsonObject failure = FitaClient.jsonLine(run);
                assertEquals(expected, failure.get("error").getAsString(), failure::toString);
                assertEquals(404, failure.get("server_status").getAsInt(), failure::toString);
            }
        }
    }

    @Test
    void missingLocalFileIsEightAndNothingIsSent() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root).port(), "heidi");
        Files.writeString(fita.work().resolve("present.txt"), "here");

        StandaloneJar.Result run = fita.run("upload", "present.txt", "absent.txt");

        assertEquals(ExitCodes.LOCAL_FILE, run.exitCode(), run::describe);
        assertTrue(run.stderr().contains("absent.txt does not exist"), run::describe);
        assertEquals("[]", fita.run("list", "--json").stdout().strip(), "nothing uploaded");
    }

    @Test
    void usageErrorsAreTwo() throws Exception {
        FitaClient fita = new FitaClient(dir, 1, "ivan");
        String[][] mistakes = {
            {},
            {"upload"},
            {"upload", "a.txt", "b.txt", "--key", "k"},
            {"list", "--connections", "many"},
            {"--id", "2254001"},
            {"frobnicate"},
        };
        for (String[] args : mistakes) {
            StandaloneJar.Result run = fita.runAsTyped(args);
            assertEquals(ExitCodes.USAGE, run.exitCode(), run::describe);
            // The usage, or for a mistyped command picocli's "Did you mean" instead.
            assertTrue(run.stderr().contains("Usage: fita") || run.stderr().contains("Did you mean"), run::describe);
        }

        StandaloneJar.Result json = fita.runAsTyped("download", "--json", "--no-such-option");

        assertEquals(ExitCodes.USAGE, json.exitCode(), json::describe);
        JsonObject failure = FitaClient.jsonLine(json);
        assertEquals("failed", failure.get("status").getAsString(), failure::toString);
        assertEquals(ExitCodes.USAGE, failure.get("exit_code").getAsInt(), failure::toString);
    }

    @Test
    void helpOfEveryCommandExplainsTheExitCodes() throws Exception {
        FitaClient fita = new FitaClient(dir, 1, "judy");
        for (String command : new String[] {"", "upload", "download", "list", "delete", "resume"}) {
            StandaloneJar.Result help = command.isEmpty() ? fita.runAsTyped("--help") : fita.runAsTyped(command, "--help");
            assertEquals(0, help.exitCode(), help::describe);
            assertTrue(help.stdout().contains("Exit codes:") && help.stdout().contains("130  cancelled"),
                    help::describe);
        }
    }
}
