package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ConnectionLimits;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.TlsHandshakeException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.transfer.trust.KnownServers;
import org.fita.transfer.trust.ServerIdentityException;
import org.fita.transfer.trust.ServerIdentityException.Reason;
import org.fita.transfer.trust.ServerTrustPrompt;
import org.fita.transfer.trust.TlsInfo;
import org.fita.transfer.trust.TrustedBy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over TLS, against a real FiTA server behind a TLS front on 127.0.0.1: transfers on
 * every lane, the CA and trust-on-first-use rules, and the failures that must be clear and quick.
 */
class TlsTest {
    private static final String USER = "tina";
    /** Three connections, two requests in flight each, 256 KiB blocks: several lanes for sure. */
    private static final TransferOptions THREE_LANES = new TransferOptions(3, 2, 256 * 1024, false, 0);

    @TempDir
    Path home;

    private EngineFixture server;
    private TlsFront front;
    private KnownServers known;

    @BeforeEach
    void start() throws Exception {
        server = new EngineFixture(b -> b);
        front = new TlsFront(server.server.port(), TestCertificates.selfSigned());
        known = new KnownServers(home.resolve("known_servers"));
    }

    @AfterEach
    void stop() throws IOException {
        front.close();
        server.close();
    }

    private ConnectionSecurity tls() {
        return ConnectionSecurity.defaults().withKnownServers(known).withTls(true);
    }

    private StepSession connect(ConnectionSecurity security) throws StepException {
        StepSession s = StepSession.connect(front.address(), USER, StepSession.classicPassword(USER),
                ConnectionLimits.DEFAULTS, security);
        s.useJournal(server.journal);
        return s;
    }

    @Test
    void uploadListDownloadDeleteOverTlsOnEveryLane() throws Exception {
        Path file = server.file("in/big", 5 << 20, 7);
        try (StepSession s = connect(tls().withPinned(front.identity().fingerprint()))) {
            assertTrue(s.isTls());
            TlsInfo info = s.tls().orElseThrow();
            assertTrue(info.protocol().equals("TLSv1.3") || info.protocol().equals("TLSv1.2"), info.protocol());
            assertEquals(front.identity().fingerprint(), info.fingerprint());
            assertEquals(TrustedBy.PINNED, info.trustedBy());
            assertFalse(info.cipherSuite().isEmpty());

            TransferResult up = s.upload(file, "big", THREE_LANES, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), up.md5());
            List<RemoteFile> listed = s.list(null);
            assertEquals(List.of("big"), listed.stream().map(RemoteFile::key).toList());
            Path back = server.local.resolve("out/big");
            TransferResult down = s.download("big", back, THREE_LANES, TransferListener.NONE).await();
            assertEquals(up.md5(), down.md5());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
            s.delete("big");
            assertTrue(s.list(null).isEmpty());
        }
        // Every connection the session opened (control and lanes) went through the TLS handshake.
        assertEquals(0, front.failedHandshakes.get());
        assertTrue(front.handshaken().size() >= 1 + 2 * 2, "control and several lanes each way: "
                + front.handshaken().size());
        assertTrue(front.stepBytes() > (5 << 20), "the upload's bytes came through TLS: " + front.stepBytes());
    }

    @Test
    void certificateSignedByTheCaFileIsTrustedWithoutAsking() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("FiTA test CA");
        front.present(TestCertificates.signedBy(ca, "127.0.0.1", "localhost"));
        Path caFile = ca.writePem(home.resolve("ca.pem"));

        try (StepSession s = connect(tls().withCaFile(caFile))) {
            assertEquals(TrustedBy.CERTIFICATE_AUTHORITY, s.tls().orElseThrow().trustedBy());
            s.saveData("d", java.util.Map.of("x", 1));
        }
        assertTrue(Files.notExists(known.file()), "a CA-trusted server is not remembered");
        // Without the CA file the same certificate is unknown.
        ServerIdentityException e = assertThrows(ServerIdentityException.class, () -> connect(tls()));
        assertEquals(Reason.UNKNOWN, e.reason());
    }

    @Test
    void caSignedCertificateForAnotherHostIsRefused() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("FiTA test CA");
        front.present(TestCertificates.signedBy(ca, "files.example.org"));
        Path caFile = ca.writePem(home.resolve("ca.pem"));

        ServerIdentityException e = assertThrows(ServerIdentityException.class,
                () -> connect(tls().withCaFile(caFile)));

        assertEquals(Reason.HOST_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("files.example.org"), e.getMessage());
        assertEquals(0, front.stepBytes());
        assertTrue(Files.notExists(known.file()));
    }

    @Test
    void trustOnFirstUseRemembersAndRefusesAChangedCertificate() throws Exception {
        CertificateFingerprint first = front.identity().fingerprint();
        // First use, nobody to ask, nothing pinned: refused, nothing sent, nothing remembered.
        ServerIdentityException unknown = assertThrows(ServerIdentityException.class, () -> connect(tls()));
        assertEquals(Reason.UNKNOWN, unknown.reason());
        assertEquals(first, unknown.fingerprint().orElseThrow());
        assertTrue(Files.notExists(known.file()));
        // Pinned to another fingerprint: refused.
        CertificateFingerprint other = TestCertificates.selfSigned().fingerprint();
        assertEquals(Reason.PIN_MISMATCH,
                assertThrows(ServerIdentityException.class, () -> connect(tls().withPinned(other))).reason());
        // Pinned to the right one: accepted and remembered, one readable line.
        try (StepSession s = connect(tls().withPinned(first))) {
            assertEquals(TrustedBy.PINNED, s.tls().orElseThrow().trustedBy());
        }
        List<String> lines = Files.readAllLines(known.file());
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches(Pattern.quote("127.0.0.1:" + front.port() + " " + first) + " \\d{4}-\\d\\d-\\d\\d"),
                lines.get(0));
        // Next time: trusted from known_servers, and over TLS even though TLS was not asked for.
        try (StepSession s = connect(ConnectionSecurity.defaults().withKnownServers(known))) {
            assertTrue(s.isTls());
            assertEquals(TrustedBy.KNOWN_SERVERS, s.tls().orElseThrow().trustedBy());
        }
        // The certificate changes: refused loudly, with both fingerprints and the line to remove.
        front.present(TestCertificates.selfSigned());
        long bytesBefore = front.stepBytes();
        int connectionsBefore = front.connections.size();
        ServerIdentityException changed = assertThrows(ServerIdentityException.class,
                () -> connect(ConnectionSecurity.defaults().withKnownServers(known).withPinned(
                        front.identity().fingerprint()).withPrompt((a, f, c) -> ServerTrustPrompt.Answer.TRUST_ALWAYS)));
        assertEquals(Reason.CHANGED, changed.reason());
        assertEquals(front.identity().fingerprint(), changed.fingerprint().orElseThrow());
        assertEquals(first, changed.expectedFingerprint().orElseThrow());
        assertEquals(lines.get(0), changed.knownLine().orElseThrow());
        assertEquals(known.file(), changed.knownServersFile().orElseThrow());
        assertTrue(changed.getMessage().contains(first.toString())
                && changed.getMessage().contains(front.identity().fingerprint().toString()), changed.getMessage());
        // Nothing was sent on the refused connection: not even LOGIN.
        assertEquals(connectionsBefore + 1, front.connections.size());
        TlsFront.Connection refused = front.connections.get(connectionsBefore);
        assertFalse(refused.handshaken);
        assertEquals(0, refused.stepBytes.get());
        assertEquals(bytesBefore, front.stepBytes());
        assertEquals(lines, Files.readAllLines(known.file()), "known_servers is unchanged");
    }

    @Test
    void theCallersOwnCertificateIsTrustedAndNotRemembered() throws Exception {
        // known_servers holds another certificate for this port (an earlier server there)...
        known.remember(front.address(), TestCertificates.selfSigned().fingerprint());
        List<String> before = Files.readAllLines(known.file());
        // ...but the workbench knows its own local server's certificate: that one is trusted.
        try (StepSession s = connect(tls().withOwnCertificate(front.identity().fingerprint()))) {
            assertEquals(TrustedBy.PINNED, s.tls().orElseThrow().trustedBy());
        }
        assertEquals(before, Files.readAllLines(known.file()));
        assertEquals(Reason.CHANGED, assertThrows(ServerIdentityException.class, () -> connect(tls())).reason());
    }

    @Test
    void thePromptDecidesOnceForTheWholeSession() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        ServerTrustPrompt once = (address, fingerprint, certificate) -> {
            asked.incrementAndGet();
            seen.add(address + " " + fingerprint);
            return ServerTrustPrompt.Answer.TRUST_ONCE;
        };
        Path file = server.file("in/f", 3 << 20, 3);
        try (StepSession s = connect(tls().withPrompt(once))) {
            assertEquals(TrustedBy.ONCE, s.tls().orElseThrow().trustedBy());
            s.upload(file, "f", THREE_LANES, TransferListener.NONE).await();
            s.download("f", server.local.resolve("out/f"), THREE_LANES, TransferListener.NONE).await();
        }
        assertEquals(1, asked.get(), "asked once, not per lane");
        assertEquals(List.of(front.address() + " " + front.identity().fingerprint()), seen);
        assertTrue(Files.notExists(known.file()), "trusted once is not remembered");

        assertEquals(Reason.REFUSED_BY_USER, assertThrows(ServerIdentityException.class,
                () -> connect(tls().withPrompt((a, f, c) -> ServerTrustPrompt.Answer.REFUSE))).reason());
        assertEquals(0, front.stepBytes() - front.handshaken().stream().mapToLong(c -> c.stepBytes.get()).sum());

        try (StepSession s = connect(tls().withPrompt((a, f, c) -> ServerTrustPrompt.Answer.TRUST_ALWAYS))) {
            assertEquals(TrustedBy.KNOWN_SERVERS, s.tls().orElseThrow().trustedBy());
        }
        assertEquals(front.identity().fingerprint(), known.find(front.address()).orElseThrow().fingerprint());
    }

    @Test
    void tlsAgainstAServerThatNeverAnswersEndsWithinTheDeadline() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // reads nothing, answers nothing: a classic server in its read
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            long started = System.nanoTime();
            TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                    () -> StepSession.connect(new ServerAddress("127.0.0.1", silent.getLocalPort()), USER, "x",
                            ConnectionLimits.DEFAULTS, tls()));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(TlsHandshakeException.Kind.NO_ANSWER, e.kind());
            assertTrue(e.getMessage().contains("did not answer the TLS handshake"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "ended in " + took);
            assertFalse(e.isRetryable());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void tlsAgainstAPlainFitaServerFailsClearly() throws Exception {
        long started = System.nanoTime();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                () -> StepSession.connect(server.address(), USER, StepSession.classicPassword(USER),
                        ConnectionLimits.DEFAULTS, tls()));
        assertTrue(e.getMessage().contains("did not answer the TLS handshake"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(30)) < 0);
    }

    @Test
    void plainToAnotherComputerIsRefusedBeforeConnectingWhenTlsIsRequired() throws Exception {
        ConnectionSecurity required = ConnectionSecurity.defaults().withKnownServers(known)
                .withRequireTlsExceptLoopback(true);
        long started = System.nanoTime();
        ServerIdentityException e = assertThrows(ServerIdentityException.class,
                () -> StepSession.connect(new ServerAddress("192.0.2.1", 1379), USER, "x", ConnectionLimits.DEFAULTS,
                        required));
        assertEquals(Reason.TLS_REQUIRED, e.reason());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 2000, "refused without connecting");
        // This computer is the exception: plain STEP to 127.0.0.1 works.
        try (StepSession s = StepSession.connect(server.address(), USER, StepSession.classicPassword(USER),
                ConnectionLimits.DEFAULTS, required)) {
            assertFalse(s.isTls());
            assertTrue(s.tls().isEmpty());
        }
    }

    @Test
    void aPlainLoginToAServerOfferingTlsSaysSo() throws Exception {
        try (ScriptedServer offering = new ScriptedServer(peer -> {
            peer.expectLogin("pipelining", "tls");
            peer.hang();
        }); StepSession s = StepSession.connect(offering.address(), USER, "x", ConnectionLimits.DEFAULTS,
                ConnectionSecurity.defaults().withKnownServers(known))) {
            assertTrue(s.offersTls());
        }
        try (StepSession s = StepSession.connect(server.address(), USER, StepSession.classicPassword(USER),
                ConnectionLimits.DEFAULTS, ConnectionSecurity.defaults().withKnownServers(known))) {
            assertFalse(s.offersTls(), "a FiTA server without TLS configured does not announce it");
        }
    }

    @Test
    void knownServersKeepsCommentsAndOtherLines() throws Exception {
        Files.writeString(known.file(), "# servers I checked\nexample.org:1379 SHA256:"
                + "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg 2026-11-30\nnot a line\n");
        CertificateFingerprint f = front.identity().fingerprint();
        known.remember(new ServerAddress("LocalHost", 1400), f);
        assertEquals(f, known.find(new ServerAddress("localhost", 1400)).orElseThrow().fingerprint());
        assertEquals(2, known.entries().size());
        assertTrue(known.remove(new ServerAddress("example.org", 1379)));
        assertFalse(known.remove(new ServerAddress("example.org", 1379)));
        List<String> lines = Files.readAllLines(known.file());
        assertEquals("# servers I checked", lines.get(0));
        assertEquals("not a line", lines.get(1));
        assertTrue(lines.get(2).startsWith("localhost:1400 " + f + " "), lines.get(2));
    }
}
