package org.fita.ui.explorer;

import java.util.Optional;
import org.fita.protocol.CertificateFingerprint;
import org.fita.server.runner.ServerStatus;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.trust.ServerTrust;

/**
 * Trust in the local server, which this process runs: its certificate is known for certain, so it
 * is trusted without a question, and never written to known_servers (a new storage root makes a
 * new certificate, which must not then look like an attack).
 */
final class LocalTrust {
    private LocalTrust() {
    }

    /** The local server's certificate when {@code address} is its port on this computer and it serves TLS. */
    static Optional<CertificateFingerprint> ownCertificate(ServerStatus local, ServerAddress address) {
        boolean isLocal = local.running() && local.address() != null && local.address().getPort() == address.port()
                && ServerTrust.isLoopback(address.host());
        return isLocal ? local.fingerprint() : Optional.empty();
    }
}
