package org.fita.server;

import java.nio.file.Path;
import java.time.Instant;
import org.fita.protocol.CertificateFingerprint;

/**
 * A running server's TLS, as views and commands show it.
 *
 * @param required        whether plain STEP is refused (426), or served beside TLS
 * @param fingerprint     SHA-256 fingerprint of the server's certificate, which clients compare
 * @param selfSigned      whether the server made the certificate itself (kept under its storage root)
 * @param notAfter        when the certificate expires
 * @param certificateFile where the certificate is kept
 */
public record ServerTls(boolean required, CertificateFingerprint fingerprint, boolean selfSigned, Instant notAfter,
        Path certificateFile) {

    /** "TLS required, certificate SHA256:..." or "TLS and plain STEP, certificate SHA256:...". */
    public String describe() {
        return (required ? "TLS required" : "TLS and plain STEP") + ", certificate " + fingerprint;
    }
}
