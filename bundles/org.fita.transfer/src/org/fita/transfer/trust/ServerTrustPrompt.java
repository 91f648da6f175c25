package org.fita.transfer.trust;

import java.security.cert.X509Certificate;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;

/**
 * Asks a person whether to trust a server whose certificate neither a certificate authority nor
 * {@code known_servers} vouches for, as ssh asks about an unknown host key. The CLI asks on the
 * terminal, the workbench in a dialog. The question comes after a first handshake failed, outside
 * any connection, so a person may take their time; the session then connects again.
 */
@FunctionalInterface
public interface ServerTrustPrompt {
    /** The person's answer. */
    enum Answer {
        /** Trust the certificate for this session (its lanes and logins again) only. */
        TRUST_ONCE,
        /** Trust it and remember it in {@code known_servers}. */
        TRUST_ALWAYS,
        /** Do not connect. */
        REFUSE
    }

    /**
     * @param server      the host and port as the user named them
     * @param fingerprint the SHA-256 fingerprint of {@code certificate}, the thing to compare
     * @param certificate the server's certificate (subject and validity, for display)
     */
    Answer ask(ServerAddress server, CertificateFingerprint fingerprint, X509Certificate certificate);
}
