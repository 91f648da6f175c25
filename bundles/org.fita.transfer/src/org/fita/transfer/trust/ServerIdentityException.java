package org.fita.transfer.trust;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;

/**
 * The server's identity could not be verified, so nothing was sent to it (not even LOGIN): the
 * check runs inside the TLS handshake. {@link #reason()} tells why; the fields carry what a person
 * needs to decide (the fingerprints, the {@code known_servers} line to remove).
 */
public final class ServerIdentityException extends StepException {
    private static final long serialVersionUID = 1L;

    /** Why the server was not trusted. */
    public enum Reason {
        /** Neither a certificate authority nor {@code known_servers} vouches for it, and nobody could be asked. */
        UNKNOWN,
        /** {@code known_servers} remembers another certificate for this host and port. */
        CHANGED,
        /** A person refused the certificate when asked. */
        REFUSED_BY_USER,
        /** The caller pinned a fingerprint and the server's certificate has another. */
        PIN_MISMATCH,
        /** The certificate chains to a trusted authority but names another host. */
        HOST_MISMATCH,
        /** A plain (unencrypted) connection to a host other than this computer, while TLS is required. */
        TLS_REQUIRED
    }

    private final Reason reason;
    private final ServerAddress server;
    private final transient X509Certificate certificate;
    private final CertificateFingerprint fingerprint;
    private final CertificateFingerprint knownFingerprint;
    private final Path knownServersFile;
    private final String knownLine;

    public ServerIdentityException(String message, Reason reason, ServerAddress server, X509Certificate certificate,
            CertificateFingerprint fingerprint, CertificateFingerprint knownFingerprint, Path knownServersFile,
            String knownLine) {
        super(message, -1, null);
        this.reason = reason;
        this.server = server;
        this.certificate = certificate;
        this.fingerprint = fingerprint;
        this.knownFingerprint = knownFingerprint;
        this.knownServersFile = knownServersFile;
        this.knownLine = knownLine;
    }

    public Reason reason() {
        return reason;
    }

    public ServerAddress server() {
        return server;
    }

    /** The certificate the server presented (none for {@link Reason#TLS_REQUIRED}). */
    public Optional<X509Certificate> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** The fingerprint of the certificate the server presented. */
    public Optional<CertificateFingerprint> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }

    /**
     * For {@link Reason#CHANGED}: the fingerprint remembered in {@code known_servers}; for
     * {@link Reason#PIN_MISMATCH}: the pinned one.
     */
    public Optional<CertificateFingerprint> expectedFingerprint() {
        return Optional.ofNullable(knownFingerprint);
    }

    /** The {@code known_servers} file that was consulted. */
    public Optional<Path> knownServersFile() {
        return Optional.ofNullable(knownServersFile);
    }

    /** For {@link Reason#CHANGED}: the line of {@code known_servers} to remove if the change is expected. */
    public Optional<String> knownLine() {
        return Optional.ofNullable(knownLine);
    }
}
