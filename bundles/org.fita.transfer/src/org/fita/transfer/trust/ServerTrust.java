package org.fita.transfer.trust;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.TlsHandshakeException;
import org.fita.transfer.trust.ServerIdentityException.Reason;

/**
 * The TLS side of one session with one server: one {@link SSLContext}, so that the session's
 * lanes resume its TLS session instead of a full handshake each, and the trust decisions, made
 * inside each handshake before any STEP byte is sent:
 * <ol>
 * <li>the caller's own certificate ({@link ConnectionSecurity#ownCertificate()}) is trusted;</li>
 * <li>{@code known_servers} remembers this host and port: the certificate must be that one, else
 * {@link Reason#CHANGED} (whatever an authority says: a change is what a person must look at);</li>
 * <li>a certificate trusted once in this session is trusted again (new lanes, new logins);</li>
 * <li>a certificate that chains to the system's trust store or to the CA file and matches the host
 * name (HTTPS rules) is trusted; one that chains but names another host is refused
 * ({@link Reason#HOST_MISMATCH}) unless it is the pinned one;</li>
 * <li>otherwise trust on first use: the pinned fingerprint, if given, must match (it is then
 * remembered), else {@link Reason#UNKNOWN}, on which the session asks its prompt and connects
 * again.</li>
 * </ol>
 */
public final class ServerTrust {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Ends handshakes that outlive their deadline; one thread for the process. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fita-tls-deadline");
        t.setDaemon(true);
        return t;
    });
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Largest CA file read: many thousands of certificates. */
    private static final long MAX_CA_FILE_BYTES = 16L << 20;

    private final ServerAddress address;
    private final ConnectionSecurity security;
    private final List<X509ExtendedTrustManager> authorities;
    private final Map<CertificateFingerprint, TrustedBy> accepted = new ConcurrentHashMap<>();
    private final SSLContext context;

    private ServerTrust(ServerAddress address, ConnectionSecurity security, List<X509ExtendedTrustManager> authorities)
            throws GeneralSecurityException {
        this.address = address;
        this.security = security;
        this.authorities = authorities;
        this.context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new Decider()}, null);
    }

    /** The TLS context of a session with {@code address}; reads the CA file now. */
    public static ServerTrust create(ServerAddress address, ConnectionSecurity security) throws StepException {
        List<X509ExtendedTrustManager> authorities = new ArrayList<>();
        try {
            authorities.add(trustManager(null));
            if (security.caFile() != null) {
                authorities.add(trustManager(readAuthorities(security.caFile())));
            }
            return new ServerTrust(address, security, authorities);
        } catch (GeneralSecurityException e) {
            throw new StepException("TLS cannot be set up on this Java: " + e.getMessage(), -1, e);
        }
    }

    /** Whether {@code security} asks for TLS with {@code address}, or {@code known_servers} remembers it. */
    public static boolean wanted(ServerAddress address, ConnectionSecurity security) throws StepException {
        if (security.tls()) {
            return true;
        }
        try {
            return security.knownServers().find(address).isPresent();
        } catch (IOException e) {
            throw new LocalFileException("Cannot read " + security.knownServers().file() + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code host} is this computer (a loopback name or address). */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** The fingerprint of a certificate trusted once, for this session: from the prompt's answer. */
    public void trustOnce(CertificateFingerprint fingerprint) {
        accepted.put(fingerprint, TrustedBy.ONCE);
    }

    /**
     * Runs the TLS handshake over {@code raw}, connected to the server, within {@code deadline}; the
     * returned socket carries STEP. On failure {@code raw} is closed.
     *
     * @throws ServerIdentityException the certificate is not trusted (nothing was sent)
     * @throws TlsHandshakeException   the server did not complete a TLS handshake
     */
    public SSLSocket handshake(Socket raw, Duration deadline) throws StepException {
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            late.set(true);
            closeQuietly(raw);
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, address.host(), address.port(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(address.host())) {
                try {
                    parameters.setServerNames(List.of(new SNIHostName(address.host())));
                } catch (IllegalArgumentException e) {
                    // Not a name SNI can carry (an underscore, say): the handshake goes without SNI.
                }
            }
            ssl.setSSLParameters(parameters);
            ssl.setUseClientMode(true);
            ssl.setSoTimeout((int) Math.max(1, deadline.toMillis()));
            ssl.startHandshake();
            ssl.setSoTimeout(0);
            return ssl;
        } catch (IOException e) {
            closeQuietly(raw);
            Optional<ServerIdentityException> refusal = refusal(e);
            if (refusal.isPresent()) {
                throw refusal.get();
            }
            throw failure(e, late.get(), deadline);
        } finally {
            timer.cancel(false);
        }
    }

    /** What the handshake of {@code ssl} negotiated and why its certificate was trusted. */
    public TlsInfo describe(SSLSocket ssl) {
        SSLSession session = ssl.getSession();
        CertificateFingerprint fingerprint = null;
        try {
            Certificate[] peer = session.getPeerCertificates();
            fingerprint = CertificateFingerprint.of((X509Certificate) peer[0]);
        } catch (IOException e) {
            // An unverified session has no peer: cannot happen after a completed handshake.
        }
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), fingerprint,
                fingerprint == null ? null : accepted.get(fingerprint));
    }

    private TlsHandshakeException failure(IOException e, boolean late, Duration deadline) {
        String seconds = deadline.toSeconds() + " s";
        if (late || e instanceof SocketTimeoutException) {
            return new TlsHandshakeException(TlsHandshakeException.Kind.NO_ANSWER, "The server at " + address
                    + " did not answer the TLS handshake within " + seconds + "; it may not speak TLS.", e);
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof EOFException || e.getCause() instanceof EOFException
                || message.contains("Unsupported or unrecognized SSL message") || message.contains("terminated the handshake")
                || message.contains("Connection reset")) {
            return new TlsHandshakeException(TlsHandshakeException.Kind.NOT_TLS, "The server at " + address
                    + " did not answer the TLS handshake; it may not speak TLS.", e);
        }
        return new TlsHandshakeException(TlsHandshakeException.Kind.FAILED, "The TLS handshake with " + address
                + " failed: " + message + ".", e);
    }

    private static Optional<ServerIdentityException> refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Refusal r) {
                return Optional.of(r.identity);
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof Refusal r) {
                    return Optional.of(r.identity);
                }
            }
        }
        return Optional.empty();
    }

    /** Carries a refusal through JSSE, which only passes CertificateExceptions on. */
    private static final class Refusal extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final transient ServerIdentityException identity;

        Refusal(ServerIdentityException identity) {
            super(identity.getMessage());
            this.identity = identity;
        }
    }

    /** The trust decision, called by JSSE inside each full handshake. */
    private final class Decider extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            decide(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            decide(chain, authType, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            decide(chain, authType, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("A client does not check clients.");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("A client does not check clients.");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("A client does not check clients.");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private void decide(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("The server sent no certificate.");
        }
        X509Certificate leaf = chain[0];
        CertificateFingerprint fingerprint = CertificateFingerprint.of(leaf);
        if (fingerprint.equals(security.ownCertificate())) {
            accepted.put(fingerprint, TrustedBy.PINNED);
            return;
        }
        KnownServers known = security.knownServers();
        Optional<KnownServers.Entry> remembered;
        try {
            remembered = known.find(address);
        } catch (IOException e) {
            throw new CertificateException("Cannot read " + known.file() + ": " + e.getMessage(), e);
        }
        if (remembered.isPresent()) {
            KnownServers.Entry entry = remembered.get();
            if (entry.fingerprint().equals(fingerprint)) {
                accepted.put(fingerprint, TrustedBy.KNOWN_SERVERS);
                return;
            }
            throw refuse(Reason.CHANGED, "The certificate of " + address + " CHANGED: known_servers remembers "
                    + entry.fingerprint() + ", the server now presents " + fingerprint + ". Someone may be intercepting"
                    + " the connection, or the server got a new certificate. Nothing was sent. If the change is"
                    + " expected, remove the line \"" + entry.line() + "\" from " + known.file() + ".",
                    leaf, fingerprint, entry.fingerprint(), entry.line());
        }
        TrustedBy before = accepted.get(fingerprint);
        if (before == TrustedBy.ONCE) {
            return;
        }
        CertificateFingerprint pinned = security.pinned();
        if (chainsToAuthority(chain, authType, null)) {
            if (socket == null || chainsToAuthority(chain, authType, socket)) {
                accepted.put(fingerprint, TrustedBy.CERTIFICATE_AUTHORITY);
                return;
            }
            if (fingerprint.equals(pinned)) {
                accepted.put(fingerprint, TrustedBy.PINNED);
                return;
            }
            throw refuse(Reason.HOST_MISMATCH, "The certificate of " + address + " is signed by a trusted authority but"
                    + " is not for the host name \"" + address.host() + "\" (it is for " + names(leaf) + "). Nothing"
                    + " was sent. Connect with a name the certificate lists, or pin this certificate's fingerprint "
                    + fingerprint + " if you trust it.", leaf, fingerprint, null, null);
        }
        if (pinned != null) {
            if (!pinned.equals(fingerprint)) {
                throw refuse(Reason.PIN_MISMATCH, "The certificate of " + address + " has the fingerprint "
                        + fingerprint + ", not the expected " + pinned + ". Nothing was sent.", leaf, fingerprint, pinned,
                        null);
            }
            try {
                known.remember(address, fingerprint);
            } catch (IOException e) {
                throw new CertificateException("Cannot write " + known.file() + ": " + e.getMessage(), e);
            }
            accepted.put(fingerprint, TrustedBy.PINNED);
            return;
        }
        throw refuse(Reason.UNKNOWN, "The identity of " + address + " cannot be verified: its certificate ("
                + fingerprint + ") is not signed by a trusted authority and " + address + " is not in "
                + known.file() + ". Nothing was sent.", leaf, fingerprint, null, null);
    }

    private Refusal refuse(Reason reason, String message, X509Certificate leaf, CertificateFingerprint fingerprint,
            CertificateFingerprint expected, String line) {
        return new Refusal(new ServerIdentityException(message, reason, address, leaf, fingerprint, expected,
                security.knownServers().file(), line));
    }

    private boolean chainsToAuthority(X509Certificate[] chain, String authType, Socket socket) {
        for (X509ExtendedTrustManager authority : authorities) {
            try {
                if (socket == null) {
                    authority.checkServerTrusted(chain, authType);
                } else {
                    authority.checkServerTrusted(chain, authType, socket);
                }
                return true;
            } catch (CertificateException | RuntimeException e) {
                // Not this authority: try the next.
            }
        }
        return false;
    }

    private static String names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (name.size() == 2 && (Integer.valueOf(2).equals(name.get(0)) || Integer.valueOf(7).equals(name.get(0)))) {
                        names.add(String.valueOf(name.get(1)));
                    }
                }
            }
        } catch (CertificateException e) {
            // Unparsable names: the subject alone.
        }
        return names.isEmpty() ? leaf.getSubjectX500Principal().getName() : String.join(", ", names);
    }

    private static X509ExtendedTrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static KeyStore readAuthorities(Path file) throws StepException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try {
            if (Files.size(file) > MAX_CA_FILE_BYTES) {
                throw new LocalFileException("The CA file " + file + " is larger than " + (MAX_CA_FILE_BYTES >> 20)
                        + " MiB; give a PEM file of CA certificates.", null);
            }
            try (InputStream in = Files.newInputStream(file)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
        } catch (IOException e) {
            throw new LocalFileException("Cannot read the CA file " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new LocalFileException("The CA file " + file + " is not a PEM file of certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new LocalFileException("The CA file " + file + " holds no certificate; give a PEM file with"
                    + " -----BEGIN CERTIFICATE----- blocks.", null);
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate c : certificates) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        return store;
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    /** Where {@link ServerIdentityException}s say the known servers are. */
    public KnownServers knownServers() {
        return security.knownServers();
    }
}
