package org.fita.server.runner;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import org.fita.protocol.CertificateFingerprint;
import org.fita.server.ServerTls;

/**
 * A snapshot of the runner's server.
 *
 * @param running     whether a server is listening
 * @param address     where it listens, or {@code null}
 * @param startedAt   when it started, or {@code null}
 * @param connections connections open now
 * @param requests    requests answered since the start
 * @param lastError   why the last start failed, or {@code null}
 * @param tls         the running server's TLS, or {@code null} when it serves plain STEP only or is stopped
 */
public record ServerStatus(boolean running, InetSocketAddress address, Instant startedAt, int connections,
        int requests, String lastError, ServerTls tls) {

    /** A status without TLS. */
    public ServerStatus(boolean running, InetSocketAddress address, Instant startedAt, int connections, int requests,
            String lastError) {
        this(running, address, startedAt, connections, requests, lastError, null);
    }

    /** Whether the running server serves TLS on its port. */
    public boolean tlsEnabled() {
        return tls != null;
    }

    /** Whether the running server refuses plain STEP. */
    public boolean tlsRequired() {
        return tls != null && tls.required();
    }

    /** The fingerprint of the running server's certificate, to show and to trust. */
    public Optional<CertificateFingerprint> fingerprint() {
        return tls == null ? Optional.empty() : Optional.of(tls.fingerprint());
    }

    /**
     * "Server is ready on 127.0.0.1:1379", followed by " (TLS required, certificate SHA256:...)" when
     * it serves TLS; or why it is not running.
     */
    public String describe() {
        if (running) {
            return "Server is ready on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                    + (tls != null ? " (" + tls.describe() + ")" : "");
        }
        return lastError == null ? "Server is stopped" : "Server is stopped: " + lastError;
    }
}
