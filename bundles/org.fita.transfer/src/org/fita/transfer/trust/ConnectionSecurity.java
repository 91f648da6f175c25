package org.fita.transfer.trust;

import java.nio.file.Path;
import java.util.Objects;
import org.fita.protocol.CertificateFingerprint;

/**
 * How a session secures its connections. Start from {@link #defaults()} (plain STEP, except to
 * servers remembered in {@code known_servers}, which are always reached over TLS) and change what
 * the user chose:
 * <pre>
 * ConnectionSecurity.defaults().withTls(true).withCaFile(ca).withPrompt(dialog)
 * </pre>
 *
 * @param tls                      connect with TLS ({@code --tls}, {@code steps://})
 * @param caFile                   PEM file of certificate authorities trusted besides the system's; null for none
 * @param pinned                   the fingerprint the server's certificate must have when no authority vouches for
 *                                 it ({@code --trust}); accepted, it is remembered in {@code known_servers}
 * @param ownCertificate           the fingerprint of a certificate the caller knows to be the server's (the
 *                                 workbench's own local server): trusted before any other rule, even
 *                                 {@code known_servers}, and never written there; null for none
 * @param prompt                   asks a person about an unknown certificate; null where nobody can answer
 * @param knownServers             where accepted certificates are remembered
 * @param requireTlsExceptLoopback refuse plain connections to hosts other than this computer
 */
public record ConnectionSecurity(boolean tls, Path caFile, CertificateFingerprint pinned,
        CertificateFingerprint ownCertificate, ServerTrustPrompt prompt, KnownServers knownServers,
        boolean requireTlsExceptLoopback) {

    public ConnectionSecurity {
        Objects.requireNonNull(knownServers, "knownServers");
    }

    /** Plain STEP unless {@code known_servers} (under the FiTA home) remembers the server; no prompt. */
    public static ConnectionSecurity defaults() {
        return new ConnectionSecurity(false, null, null, null, null, KnownServers.inFitaHome(), false);
    }

    public ConnectionSecurity withTls(boolean on) {
        return new ConnectionSecurity(on, caFile, pinned, ownCertificate, prompt, knownServers,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withCaFile(Path file) {
        return new ConnectionSecurity(tls, file, pinned, ownCertificate, prompt, knownServers,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withPinned(CertificateFingerprint fingerprint) {
        return new ConnectionSecurity(tls, caFile, fingerprint, ownCertificate, prompt, knownServers,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withOwnCertificate(CertificateFingerprint fingerprint) {
        return new ConnectionSecurity(tls, caFile, pinned, fingerprint, prompt, knownServers,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withPrompt(ServerTrustPrompt ask) {
        return new ConnectionSecurity(tls, caFile, pinned, ownCertificate, ask, knownServers,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withKnownServers(KnownServers known) {
        return new ConnectionSecurity(tls, caFile, pinned, ownCertificate, prompt, known,
                requireTlsExceptLoopback);
    }

    public ConnectionSecurity withRequireTlsExceptLoopback(boolean on) {
        return new ConnectionSecurity(tls, caFile, pinned, ownCertificate, prompt, knownServers,
                on);
    }
}
