package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fita.protocol.CertificateFingerprint;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fita-server --tls} as a process: the jar carries Bouncy Castle, the ready line the fingerprint. */
class TlsServerIT {
    private static final Pattern READY_TLS = Pattern.compile(
            "Server is ready on 127\\.0\\.0\\.1:\\d+ \\((TLS required|TLS and plain STEP), certificate (SHA256:[A-Za-z0-9+/]{43})\\)");

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @Test
    void readyLineFingerprintIsTheOneTheHandshakeShows() throws Exception {
        ServerProcess server = servers.start(root, "--tls");
        Matcher ready = READY_TLS.matcher(server.transcript());
        assertTrue(ready.find(), server::transcript);
        assertEquals("TLS and plain STEP", ready.group(1));
        CertificateFingerprint printed = CertificateFingerprint.parse(ready.group(2));
        try (StepClient tls = StepClient.connectTls(server.port(), c -> CertificateFingerprint.of(c).equals(printed))) {
            tls.login("alice", TestData.classicPassword("alice"));
        }
        try (StepClient plain = StepClient.connect(server.port())) {
            plain.login("alice", TestData.classicPassword("alice"));
        }
        assertTrue(Files.exists(root.resolve("tls/self-signed-key.pem")));
    }

    @Test
    void requireTlsRefusesPlainClients() throws Exception {
        ServerProcess server = servers.start(root, "--require-tls");
        Matcher ready = READY_TLS.matcher(server.transcript());
        assertTrue(ready.find() && ready.group(1).equals("TLS required"), server::transcript);
        try (StepClient plain = StepClient.connect(server.port())) {
            StepMessage reply = plain.request(Requests.login("bob", TestData.classicPassword("bob")));
            assertEquals(426, reply.status(), reply::toString);
            assertTrue(reply.statusMessage().contains("steps://127.0.0.1:" + server.port()), reply::toString);
        }
    }

    @Test
    void aMissingCertificateFileOrAKeyWithoutItsCertificateIsSaidClearly() throws Exception {
        StandaloneJar.Result missing = StandaloneJar.SERVER.run("--host", "127.0.0.1", "--port", "0", "--root",
                root.toString(), "--tls-cert", root.resolve("cert.pem").toString(), "--tls-key",
                root.resolve("key.pem").toString());
        assertEquals(1, missing.exitCode(), missing::describe);
        assertTrue(missing.stderr().contains("The TLS certificate file " + root.resolve("cert.pem") + " does not exist"),
                missing::describe);

        StandaloneJar.Result half = StandaloneJar.SERVER.run("--root", root.toString(), "--tls-key", "key.pem");
        assertEquals(2, half.exitCode(), half::describe);
        assertTrue(half.stderr().contains("--tls-cert FILE --tls-key FILE"), half::describe);
    }
}
