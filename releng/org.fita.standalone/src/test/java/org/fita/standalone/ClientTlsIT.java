package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fita} over TLS against a {@code fita-server} process behind a TLS front: the options and
 * URLs, trust on first use with known_servers, the CA file, and the exit code and JSON of a server
 * whose identity is not verified.
 */
class ClientTlsIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    private TlsFront front;

    private FitaClient behindTls(String user) throws Exception {
        front = new TlsFront(servers.start(root).port(), TestCertificates.selfSigned());
        return new FitaClient(dir, front.port(), user);
    }

    @AfterEach
    void closeFront() throws IOException {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void firstUseWithTrustThenRememberedThenAChangedCertificateIsRefused() throws Exception {
        FitaClient fita = behindTls("tom");
        String first = front.identity().fingerprint().toString();
        Path file = Files.write(fita.work().resolve("notes.bin"), TestData.random(3 << 20, 5));

        // Unknown, and no terminal to ask: exit 9, both the message and the JSON name the fingerprint.
        StandaloneJar.Result unknown = fita.run("list", "--tls", "--json");
        assertEquals(ExitCodes.IDENTITY, unknown.exitCode(), unknown::describe);
        assertTrue(unknown.stderr().contains(first) && unknown.stderr().contains("--trust"), unknown::describe);
        JsonObject identity = FitaClient.jsonLine(unknown).getAsJsonObject("identity");
        assertEquals("unknown", identity.get("reason").getAsString());
        assertEquals(first, identity.get("fingerprint").getAsString());
        assertEquals(0, front.stepBytes(), "nothing was sent");
        assertFalse(Files.exists(fita.home().resolve("known_servers")));
        int refusedHandshakes = front.failedHandshakes.get();

        // --trust names it: accepted and remembered; the whole round trip over TLS.
        StandaloneJar.Result up = fita.run("upload", "notes.bin", "--tls", "--trust", first, "--connections", "3");
        assertEquals(0, up.exitCode(), up::describe);
        String line = Files.readString(fita.home().resolve("known_servers")).strip();
        assertTrue(line.startsWith("127.0.0.1:" + front.port() + " " + first + " "), line);
        // Remembered: TLS without --tls, trusted without --trust.
        StandaloneJar.Result listed = fita.run("list", "--json");
        assertEquals(0, listed.exitCode(), listed::describe);
        assertEquals("notes.bin", FitaClient.jsonArray(listed).get(0).getAsJsonObject().get("key").getAsString());
        StandaloneJar.Result down = fita.run("download", "notes.bin", "-o", "back.bin");
        assertEquals(0, down.exitCode(), down::describe);
        assertEquals(TestData.md5Hex(Files.readAllBytes(file)),
                TestData.md5Hex(Files.readAllBytes(fita.work().resolve("back.bin"))));
        assertEquals(0, fita.run("delete", "notes.bin").exitCode());
        assertEquals(refusedHandshakes, front.failedHandshakes.get(), "every connection was TLS");

        // The certificate changes: refused loudly, nothing sent, both fingerprints and the line to remove.
        front.present(TestCertificates.selfSigned());
        String second = front.identity().fingerprint().toString();
        long bytesBefore = front.stepBytes();
        StandaloneJar.Result changed = fita.run("list", "--json");
        assertEquals(ExitCodes.IDENTITY, changed.exitCode(), changed::describe);
        assertEquals(bytesBefore, front.stepBytes(), "nothing was sent, not even LOGIN");
        assertTrue(changed.stderr().contains("CHANGED") && changed.stderr().contains(first)
                && changed.stderr().contains(second) && changed.stderr().contains(line), changed::describe);
        JsonObject refused = FitaClient.jsonLine(changed);
        assertEquals(ExitCodes.IDENTITY, refused.get("exit_code").getAsInt());
        JsonObject why = refused.getAsJsonObject("identity");
        assertEquals("changed", why.get("reason").getAsString());
        assertEquals(second, why.get("fingerprint").getAsString());
        assertEquals(first, why.get("known_fingerprint").getAsString());
        assertEquals(line, why.get("known_servers_line").getAsString());

        // Forgetting it lets the new certificate be accepted.
        StandaloneJar.Result removed = fita.run("known-servers", "--remove", "127.0.0.1:" + front.port());
        assertEquals(0, removed.exitCode(), removed::describe);
        StandaloneJar.Result again = fita.run("list", "--tls", "--trust", second);
        assertEquals(0, again.exitCode(), again::describe);
        StandaloneJar.Result known = fita.run("known-servers");
        assertTrue(known.stdout().contains(second), known::describe);
    }

    @Test
    void stepsUrlsAndTheCaFile() throws Exception {
        FitaClient fita = behindTls("ursula");
        TestCertificates.Identity ca = TestCertificates.authority("FiTA test CA");
        front.present(TestCertificates.signedBy(ca, "127.0.0.1", "localhost"));
        Path caFile = ca.writePem(dir.resolve("ca.pem"));
        String url = "steps://127.0.0.1:" + front.port();

        StandaloneJar.Result byUrl = fita.runAsTyped("list", "--server", url, "--user", "ursula", "--ca",
                caFile.toString());
        assertEquals(0, byUrl.exitCode(), byUrl::describe);
        StandaloneJar.Result byEnvironment = fita.runAsTyped(Map.of("FITA_SERVER", url), "list", "--user", "ursula",
                "--ca", caFile.toString());
        assertEquals(0, byEnvironment.exitCode(), byEnvironment::describe);
        assertFalse(Files.exists(fita.home().resolve("known_servers")), "a CA-trusted server is not remembered");
        // --ca alone means TLS; another scheme is a usage error.
        StandaloneJar.Result caOnly = fita.run("list", "--ca", caFile.toString());
        assertEquals(0, caOnly.exitCode(), caOnly::describe);
        StandaloneJar.Result http = fita.runAsTyped("list", "--server", "http://127.0.0.1:" + front.port());
        assertEquals(ExitCodes.USAGE, http.exitCode(), http::describe);
        assertTrue(http.stderr().contains("steps://HOST:PORT"), http::describe);

        // A CA-signed certificate for another name is refused, --ca or not.
        front.present(TestCertificates.signedBy(ca, "files.example.org"));
        StandaloneJar.Result mismatch = fita.runAsTyped("list", "--server", url, "--user", "ursula", "--ca",
                caFile.toString(), "--json");
        assertEquals(ExitCodes.IDENTITY, mismatch.exitCode(), mismatch::describe);
        assertEquals("host_mismatch",
                FitaClient.jsonLine(mismatch).getAsJsonObject("identity").get("reason").getAsString());
    }

    @Test
    void theTerminalAsksLikeSsh() throws Exception {
        FitaClient fita = behindTls("vera");
        Map<String, String> password = Map.of("FITA_PASSWORD", TestData.classicPassword("vera"));
        String fingerprint = front.identity().fingerprint().toString();

        StandaloneJar.Result no = fita.runOnTerminal(password, "no\n", "list", "--tls");
        assertEquals(ExitCodes.IDENTITY, no.exitCode(), no::describe);
        assertTrue(no.stdout().contains("The authenticity of server '127.0.0.1:" + front.port() + "'")
                && no.stdout().contains(fingerprint), no::describe);
        assertFalse(Files.exists(fita.home().resolve("known_servers")));

        // The certificate question comes first, then the password, as with ssh.
        StandaloneJar.Result yes = fita.runOnTerminal(Map.of(), "yes\n" + TestData.classicPassword("vera") + "\n",
                "list", "--tls");
        assertEquals(0, yes.exitCode(), yes::describe);
        int question = yes.stdout().indexOf("Are you sure");
        int passwordPrompt = yes.stdout().indexOf("Password for vera");
        assertTrue(question >= 0 && passwordPrompt > question, yes::describe);
        assertTrue(Files.readString(fita.home().resolve("known_servers")).contains(fingerprint));
    }

    @Test
    void tlsAgainstAPlainServerThatWaitsEndsClearlyWithinThirtySeconds() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            FitaClient fita = new FitaClient(dir, silent.getLocalPort(), "walt");
            long started = System.nanoTime();
            StandaloneJar.Result run = fita.run("list", "--tls");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(ExitCodes.NETWORK, run.exitCode(), run::describe);
            assertTrue(run.stderr().contains("did not answer the TLS handshake")
                    && run.stderr().contains("without --tls"), run::describe);
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "ended in " + took);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
