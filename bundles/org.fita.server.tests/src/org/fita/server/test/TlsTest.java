package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.fita.protocol.CertificateFingerprint;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.ConnectionInfo;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.ServerTls;
import org.fita.server.StepServer;
import org.fita.server.runner.DefaultServerRunner;
import org.fita.server.runner.ServerStatus;
import org.fita.server.test.StepClient.RawReply;
import org.fita.server.tls.ServerCertificates;
import org.fita.server.tls.TlsSetupException;
import org.fita.server.tls.TlsSetupException.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS on the STEP port over real sockets: JSSE clients, plain clients, certificates of every kind. */
class TlsTest {
    @TempDir
    Path dir;

    private final List<ServerFixture> fixtures = new ArrayList<>();
    /** What the servers logged and reported. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
    private final List<String> secured = new CopyOnWriteArrayList<>();

    private final ServerListener recorder = new ServerListener() {
        @Override
        public void logged(String line) {
            log.add(line);
        }

        @Override
        public void connectionClosed(ConnectionInfo connection, String reason) {
            closed.add(reason);
        }

        @Override
        public void connectionSecured(ConnectionInfo connection, String protocol, String cipherSuite) {
            secured.add(protocol + " " + cipherSuite);
        }
    };

    @BeforeEach
    void clear() {
        log.clear();
    }

    @AfterEach
    void stop() throws IOException {
        for (ServerFixture f : fixtures) {
            f.close();
        }
    }

    private ServerFixture start(java.util.function.UnaryOperator<ServerConfig.Builder> tune) throws IOException {
        ServerFixture f = ServerFixture.start(tune, recorder);
        fixtures.add(f);
        return f;
    }

    private static X509Certificate selfSignedOf(ServerFixture f) throws Exception {
        Path file = f.root.resolve(ServerCertificates.FOLDER).resolve(ServerCertificates.SELF_SIGNED_CERTIFICATE);
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static StepClient tlsClient(ServerFixture f, X509Certificate... trusted) throws Exception {
        return new StepClient(TestCertificates.connect(f.port(), null, trusted));
    }

    @Test
    void uploadListDownloadDeleteOverTls() throws Exception {
        ServerFixture f = start(b -> b.tls(true));
        X509Certificate cert = selfSignedOf(f);
        try (SSLSocket socket = TestCertificates.connect(f.port(), null, cert); StepClient c = new StepClient(socket)) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            assertEquals("TLS_AES_128_GCM_SHA256", socket.getSession().getCipherSuite(),
                    "the server prefers AES-128-GCM, the fastest suite with the JDK's AES intrinsics");
            assertEquals(f.server.tls().orElseThrow().fingerprint(),
                    CertificateFingerprint.of((X509Certificate) socket.getSession().getPeerCertificates()[0]));

            StepMessage login = c.call(Requests.fita(Requests.login("alice", org.fita.server.auth.Authenticator.md5Hex("alice"))));
            assertEquals(200, login.status(), login.toString());
            assertTrue(extensions(login).contains(Extensions.TLS), login.toString());
            String token = login.string(Fields.TOKEN).orElseThrow();

            byte[] file = TestFiles.random(3 * 20480 + 17, 7);
            assertEquals(TestFiles.md5(file), UploadTest.upload(c, token, "photos/a.bin", file));
            StepMessage list = c.call(Requests.list(token, null, null, 10));
            assertEquals(200, list.status(), list.toString());
            assertTrue(list.toString().contains("photos/a.bin"), list.toString());
            assertArrayEquals(file, UploadTest.download(c, token, "photos/a.bin"));
            assertEquals(200, c.call(Requests.fileDelete(token, "photos/a.bin")).status());
            assertEquals(404, c.call(Requests.fileGet(token, "photos/a.bin")).status());
        }
        assertTrue(secured.contains("TLSv1.3 TLS_AES_128_GCM_SHA256"), secured.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("TLS TLSv1.3 TLS_AES_128_GCM_SHA256")), "the suite is logged");
    }

    @Test
    void tls12GetsAnEcdheAeadSuiteAndWeakerOffersAreRefused() throws Exception {
        ServerFixture f = start(b -> b.tls(true));
        X509Certificate cert = selfSignedOf(f);
        try (SSLSocket s = TestCertificates.connect(f.port(), List.of("TLSv1.2"), cert); StepClient c = new StepClient(s)) {
            assertEquals("TLSv1.2", s.getSession().getProtocol());
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", s.getSession().getCipherSuite());
            c.login("bob");
        }
        // A client that offers only a CBC suite (no AEAD) finds nothing in common.
        assertThrows(SSLHandshakeException.class, () -> {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {trustAll()}, null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", f.port())) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
                s.setSoTimeout(10_000);
                s.startHandshake();
            }
        });
    }

    private static javax.net.ssl.X509TrustManager trustAll() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    private static List<String> extensions(StepMessage login) {
        JsonArray names = login.json().getAsJsonArray(Fields.EXTENSIONS);
        List<String> out = new ArrayList<>();
        for (JsonElement e : names) {
            out.add(e.getAsString());
        }
        return out;
    }

    @Test
    void plainClientsOnATlsPortSeeTlsAnnouncedOnlyWhenTheyAreFita() throws Exception {
        ServerFixture tlsServer = start(b -> b.tls(true));
        try (StepClient c = tlsServer.client()) {
            StepMessage fita = c.call(Requests.fita(Requests.login("u", org.fita.server.auth.Authenticator.md5Hex("u"))));
            assertTrue(extensions(fita).contains(Extensions.TLS), fita.toString());
            StepMessage classic = c.call(Requests.login("u", org.fita.server.auth.Authenticator.md5Hex("u")));
            assertFalse(classic.has(Fields.EXTENSIONS), "a classic LOGIN reply keeps the reference's fields");
        }
        ServerFixture plainServer = start(b -> b);
        try (StepClient c = plainServer.client()) {
            StepMessage fita = c.call(Requests.fita(Requests.login("u", org.fita.server.auth.Authenticator.md5Hex("u"))));
            assertFalse(extensions(fita).contains(Extensions.TLS), "no TLS configured, none announced");
        }
        assertTrue(plainServer.server.tls().isEmpty());
    }

    @Test
    void requireTlsRefusesAPlainClientWithOneFrameThenCloses() throws Exception {
        ServerFixture f = start(b -> b.requireTls(true));
        assertTrue(f.server.config().tls(), "--require-tls implies --tls");
        try (StepClient c = f.client()) {
            RawReply r = c.callRaw("{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\", "
                    + "\"username\": \"2254001\", \"password\": \"0fad7aae93eb58a6cda4c7d10023adc6\"}", null);
            assertEquals("{\"operation\": \"ERROR\", \"direction\": \"RESPONSE\", \"status\": 426, \"status_msg\": "
                    + "\"This server requires TLS on this port; plain STEP is refused. Connect with TLS: fita --tls ...,"
                    + " or the server URL steps://127.0.0.1:" + f.port() + ".\", \"type\": \"ERROR\"}", r.json());
            assertEquals(0, r.binary().length);
            assertTrue(c.closedByServer(5000), "closed after the one reply");
        }
        assertEquals("refused: plain STEP on a port that requires TLS", closed.poll(5, TimeUnit.SECONDS));
        // TLS on the same port still works.
        try (StepClient c = tlsClient(f, selfSignedOf(f))) {
            c.login("2254001");
        }
        ServerStatus status;
        DefaultServerRunner runner = new DefaultServerRunner();
        Path root = Files.createTempDirectory(dir, "runner");
        try {
            runner.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false).requireTls(true)
                    .build());
            status = runner.status();
            assertTrue(status.tlsEnabled());
            assertTrue(status.tlsRequired());
            ServerTls tls = runner.server().orElseThrow().tls().orElseThrow();
            assertEquals(tls.fingerprint(), status.fingerprint().orElseThrow());
            assertEquals("Server is ready on 127.0.0.1:" + status.address().getPort() + " (TLS required, certificate "
                    + tls.fingerprint() + ")", status.describe());
        } finally {
            runner.stop();
        }
        assertFalse(runner.status().tlsEnabled());
    }

    @Test
    void selfSignedCertificateIsMadeOnceKeptPrivateAndReused() throws Exception {
        ServerFixture first = start(b -> b.tls(true));
        ServerTls tls = first.server.tls().orElseThrow();
        assertTrue(tls.selfSigned());
        X509Certificate cert = selfSignedOf(first);
        assertEquals(CertificateFingerprint.of(cert), tls.fingerprint());
        assertTrue(log.stream().anyMatch(l -> l.contains("Server is ready on 127.0.0.1:" + first.port()
                + " (TLS and plain STEP, certificate " + tls.fingerprint() + ")")), "the ready line shows the fingerprint");
        Path folder = first.root.resolve("tls");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                folder.resolve(ServerCertificates.SELF_SIGNED_KEY))));
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        List<Object> values = names.stream().map(n -> n.get(1)).map(Object.class::cast).toList();
        assertTrue(values.contains("localhost") && values.contains("127.0.0.1"), values.toString());
        assertTrue(values.stream().anyMatch(v -> v.toString().startsWith("0:0:0:0:0:0:0:1")), values.toString());
        assertTrue(cert.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(3600))), "about ten years");
        assertEquals("EC", cert.getPublicKey().getAlgorithm());

        Path root = first.stopKeepingRoot();
        ServerFixture again = ServerFixture.startOn(root, b -> b.tls(true), recorder);
        fixtures.add(again);
        assertEquals(tls.fingerprint(), again.server.tls().orElseThrow().fingerprint(), "the same certificate after a restart");
        try (StepClient c = tlsClient(again, cert)) {
            c.login("carol");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs1", "rsa-pkcs8", "ec-sec1", "ec-sec1-without-public-key", "ec-pkcs8"})
    void pemCertificateChainFromOwnCa(String kind) throws Exception {
        KeyPair caKeys = TestCertificates.rsa();
        X509Certificate ca = TestCertificates.ca(caKeys, "Test CA " + kind);
        KeyPair serverKeys = kind.startsWith("rsa") ? TestCertificates.rsa() : TestCertificates.ec();
        Instant now = Instant.now();
        X509Certificate leaf = TestCertificates.issue(ca, caKeys.getPrivate(), serverKeys.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), "127.0.0.1", "localhost");
        Path certFile = TestCertificates.write(dir, "fullchain.pem", TestCertificates.pem(leaf, ca));
        String keyPem = switch (kind) {
            case "rsa-pkcs1" -> TestCertificates.pem(serverKeys.getPrivate());
            case "ec-sec1" -> TestCertificates.sec1((java.security.interfaces.ECPrivateKey) serverKeys.getPrivate(),
                    serverKeys.getPublic());
            case "ec-sec1-without-public-key" -> TestCertificates.sec1(
                    (java.security.interfaces.ECPrivateKey) serverKeys.getPrivate(), null);
            default -> TestCertificates.pkcs8(serverKeys.getPrivate());
        };
        String header = switch (kind) {
            case "rsa-pkcs1" -> "-----BEGIN RSA PRIVATE KEY-----";
            case "ec-sec1", "ec-sec1-without-public-key" -> "-----BEGIN EC PRIVATE KEY-----";
            default -> "-----BEGIN PRIVATE KEY-----";
        };
        assertTrue(keyPem.startsWith(header), "the key is written in the form under test: " + keyPem.lines().findFirst());
        Path keyFile = TestCertificates.write(dir, "privkey.pem", keyPem);

        ServerFixture f = start(b -> b.tlsCertificate(certFile, keyFile));
        ServerTls tls = f.server.tls().orElseThrow();
        assertFalse(tls.selfSigned());
        assertEquals(CertificateFingerprint.of(leaf), tls.fingerprint());
        assertFalse(Files.exists(f.root.resolve("tls")), "no self-signed certificate is made when one is given");
        // A client that trusts only the CA accepts the server: the chain and the names are right.
        try (SSLSocket s = TestCertificates.connect(f.port(), null, ca); StepClient c = new StepClient(s)) {
            assertEquals(2, s.getSession().getPeerCertificates().length, "the intermediate is sent");
            c.login("dave");
        }
        assertTrue(log.stream().noneMatch(l -> l.contains("expires")), "90 days left is no reason to warn");
    }

    @Test
    void wrongMissingOrEncryptedKeysAreRefusedWithTheirReason() throws Exception {
        KeyPair caKeys = TestCertificates.ec();
        X509Certificate ca = TestCertificates.ca(caKeys, "Test CA");
        KeyPair serverKeys = TestCertificates.ec();
        Instant now = Instant.now();
        X509Certificate leaf = TestCertificates.issue(ca, caKeys.getPrivate(), serverKeys.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), "127.0.0.1");
        Path certFile = TestCertificates.write(dir, "cert.pem", TestCertificates.pem(leaf));
        Path otherKey = TestCertificates.write(dir, "other.pem", TestCertificates.pkcs8(TestCertificates.ec().getPrivate()));
        Path rsaKey = TestCertificates.write(dir, "rsa.pem", TestCertificates.pkcs8(TestCertificates.rsa().getPrivate()));

        TlsSetupException mismatch = refused(certFile, otherKey);
        assertEquals(Problem.KEY_MISMATCH, mismatch.problem());
        assertTrue(mismatch.getMessage().startsWith("The private key " + otherKey + " does not belong to the certificate "
                + certFile), mismatch.getMessage());
        assertEquals(Problem.KEY_MISMATCH, refused(certFile, rsaKey).problem(), "an RSA key for an EC certificate");

        assertEquals(Problem.FILE_MISSING, refused(dir.resolve("nope.pem"), otherKey).problem());
        TlsSetupException missingKey = refused(certFile, dir.resolve("nokey.pem"));
        assertEquals(Problem.FILE_MISSING, missingKey.problem());
        assertTrue(missingKey.getMessage().contains("--tls-key"), missingKey.getMessage());

        Path encrypted = TestCertificates.write(dir, "encrypted.pem", TestCertificates.encryptedPkcs8(
                serverKeys.getPrivate(), "secret".toCharArray()));
        TlsSetupException enc = refused(certFile, encrypted);
        assertEquals(Problem.ENCRYPTED_KEY, enc.problem());
        assertTrue(enc.getMessage().contains("openssl pkey -in " + encrypted), enc.getMessage());
        Path legacy = TestCertificates.write(dir, "legacy.pem", TestCertificates.legacyEncrypted());
        assertEquals(Problem.ENCRYPTED_KEY, refused(certFile, legacy).problem(), "openssl's old Proc-Type form");

        assertEquals(Problem.NO_KEY, refused(certFile, certFile).problem(), "a certificate given as the key");
        Path notPem = TestCertificates.write(dir, "junk.pem", "hello\n");
        assertEquals(Problem.NO_CERTIFICATE, refused(notPem, otherKey).problem());
    }

    private TlsSetupException refused(Path cert, Path key) throws IOException {
        Path root = Files.createTempDirectory(dir, "root");
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false)
                .tlsCertificate(cert, key).build();
        return assertThrows(TlsSetupException.class, () -> StepServer.start(config).close());
    }

    @Test
    void certificatesThatExpireSoonOrHaveExpiredAreLoggedAtStart() throws Exception {
        KeyPair caKeys = TestCertificates.ec();
        X509Certificate ca = TestCertificates.ca(caKeys, "Test CA");
        KeyPair serverKeys = TestCertificates.ec();
        Instant now = Instant.now();
        Path keyFile = TestCertificates.write(dir, "key.pem", TestCertificates.pkcs8(serverKeys.getPrivate()));
        Path soon = TestCertificates.write(dir, "soon.pem", TestCertificates.pem(TestCertificates.issue(ca,
                caKeys.getPrivate(), serverKeys.getPublic(), now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(10)),
                "127.0.0.1")));
        ServerFixture f = start(b -> b.tlsCertificate(soon, keyFile));
        assertTrue(log.stream().anyMatch(l -> l.contains("WARN") && l.contains("The TLS certificate " + soon + " expires on")
                && (l.contains(", in 9 days.") || l.contains(", in 10 days."))), log.toString());
        f.server.close();

        log.clear();
        Path expired = TestCertificates.write(dir, "expired.pem", TestCertificates.pem(TestCertificates.issue(ca,
                caKeys.getPrivate(), serverKeys.getPublic(), now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(1)),
                "127.0.0.1")));
        start(b -> b.tlsCertificate(expired, keyFile));
        assertTrue(log.stream().anyMatch(l -> l.contains("WARN") && l.contains("The TLS certificate " + expired
                + " expired on")), log.toString());
    }

    @Test
    void aClientThatSendsTheHandshakeByteThenStallsIsDroppedWithinTheGraceTime() throws Exception {
        ServerFixture f = start(b -> b.tls(true).loginGraceTime(Duration.ofSeconds(1)));
        try (Socket s = new Socket("127.0.0.1", f.port())) {
            long started = System.nanoTime();
            OutputStream out = s.getOutputStream();
            out.write(0x16);
            out.flush();
            s.setSoTimeout(10_000);
            assertEquals(-1, readToEnd(s.getInputStream()), "closed by the server");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 800 && millis < 5000, "dropped after the 1 s grace time, not before and not much later: "
                    + millis + " ms");
        }
        String reason = closed.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.startsWith("TLS handshake not finished"), reason);
        assertTrue(log.stream().anyMatch(l -> l.contains("closed: TLS handshake not finished")), log.toString());
    }

    @Test
    void aClientThatSendsTheHandshakeByteThenJunkIsDroppedAtOnce() throws Exception {
        ServerFixture f = start(b -> b.tls(true));
        try (Socket s = new Socket("127.0.0.1", f.port())) {
            long started = System.nanoTime();
            byte[] junk = "\u0016\u0003\u0001\u0000\u0005hello, this is not a ClientHello\r\n".getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            readToEnd(s.getInputStream());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "not left to the grace time");
        }
        String reason = closed.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.startsWith("TLS handshake failed: "), reason);
        // The server goes on serving.
        try (StepClient c = f.client()) {
            c.login("erin");
        }
    }

    /** Reads until the end of the stream (an alert may come first); -1 at the end, or a reset. */
    private static int readToEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // an alert record, if any
            }
        } catch (java.net.SocketException reset) {
            // reset by the server: closed all the same
        }
        return -1;
    }

    @Test
    void aTlsPortKeepsItsJsonLimitBelowTheFirstLengthThatStartsWithTheHandshakeByte() {
        ServerConfig.builder().tls(true).maxJsonBytes(0x16000000 - 1).build();
        ServerConfig.builder().maxJsonBytes(0x16000000).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().requireTls(true).maxJsonBytes(0x16000000).build());
        assertTrue(e.getMessage().contains("0x16000000"), e.getMessage());
    }

    @Test
    void aPlainServerStillAnswersAClientHelloAsAnOversizedFrame() throws Exception {
        // Without --tls nothing peeks at the first byte: a TLS client learns at once that this is no TLS port.
        ServerFixture f = start(b -> b);
        try (StepClient c = f.client()) {
            c.sendRaw(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
            assertEquals(413, c.receive().message().status());
        }
    }
}
