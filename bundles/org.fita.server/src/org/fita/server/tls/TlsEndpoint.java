package org.fita.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.fita.server.tls.TlsSetupException.Problem;

/**
 * The server side of TLS on a STEP port, with JSSE: TLS 1.3, and TLS 1.2 with ECDHE and AEAD
 * suites only. {@link #wrap} turns an accepted socket whose first byte was 0x16 into a server-mode
 * {@link SSLSocket}. Thread-safe.
 */
public final class TlsEndpoint {
    /** The first byte of a TLS handshake record; a classic STEP frame can never begin with it. */
    public static final int HANDSHAKE_RECORD = 0x16;

    /** Only these, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * In the server's order of preference: AES-GCM first (the JDK's AES and GHASH intrinsics make it the
     * fastest), ChaCha20-Poly1305 for clients without AES hardware. TLS 1.2 suites are all ECDHE + AEAD.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final ServerIdentity identity;
    private final SSLSocketFactory factory;
    private final String[] protocols;
    private final String[] suites;

    private TlsEndpoint(ServerIdentity identity, SSLContext context) {
        this.identity = identity;
        this.factory = context.getSocketFactory();
        Set<String> supportedProtocols = Set.of(context.getSupportedSSLParameters().getProtocols());
        Set<String> supportedSuites = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        this.protocols = PROTOCOLS.stream().filter(supportedProtocols::contains).toArray(String[]::new);
        this.suites = CIPHER_SUITES.stream().filter(supportedSuites::contains).toArray(String[]::new);
    }

    /** A TLS endpoint presenting {@code identity}. */
    public static TlsEndpoint of(ServerIdentity identity) throws TlsSetupException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", identity.key(), password, identity.chain().toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            TlsEndpoint endpoint = new TlsEndpoint(identity, context);
            if (endpoint.protocols.length == 0 || endpoint.suites.length == 0) {
                throw new TlsSetupException(Problem.UNSUPPORTED_KEY, "This Java offers none of TLS 1.3 and 1.2 with"
                        + " AEAD cipher suites; run the server on a current JDK (21 or newer).");
            }
            return endpoint;
        } catch (GeneralSecurityException | IOException e) {
            if (e instanceof TlsSetupException t) {
                throw t;
            }
            throw new TlsSetupException(Problem.UNSUPPORTED_KEY, "The certificate " + identity.certificateFile()
                    + " and its key cannot serve TLS: " + e.getMessage() + ".", e);
        }
    }

    public ServerIdentity identity() {
        return identity;
    }

    /** The protocol versions offered, newest first. */
    public List<String> protocols() {
        return List.of(protocols);
    }

    /** The cipher suites offered, in the server's order of preference. */
    public List<String> cipherSuites() {
        return List.of(suites);
    }

    /**
     * Layers a server-mode TLS socket over {@code socket}, whose first byte was already read
     * (the handshake reads it again from {@code firstByte}). Closing the result closes
     * {@code socket}. The handshake has not started; the caller starts it under its deadline.
     */
    public SSLSocket wrap(Socket socket, byte firstByte) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, new ByteArrayInputStream(new byte[] {firstByte}), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(protocols.clone());
        p.setCipherSuites(suites.clone());
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        ssl.setSSLParameters(p);
        ssl.setUseClientMode(false);
        return ssl;
    }

    @Override
    public String toString() {
        return "TLS " + Arrays.toString(protocols) + " " + identity.fingerprint();
    }
}
