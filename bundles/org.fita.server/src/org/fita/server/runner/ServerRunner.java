package org.fita.server.runner;

import java.io.IOException;
import java.util.Optional;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;

/**
 * Starts and stops one embedded server and relays its events; the Local Server view and the
 * {@code fita-server} command both use it. Listeners stay registered across restarts.
 *
 * <p>TLS is part of the {@link ServerConfig} ({@link ServerConfig#tls()}, {@link ServerConfig#requireTls()},
 * {@link ServerConfig#tlsCertificate()}); once the server runs, {@link ServerStatus#tls()} (or
 * {@link StepServer#tls()}) tells whether it serves TLS, whether plain STEP is refused, and the
 * certificate's fingerprint, which a local client can trust without asking its user.
 */
public interface ServerRunner {

    /**
     * Starts a server with {@code config}.
     *
     * @throws IllegalStateException if one is already running
     * @throws IOException if it cannot listen or open its storage (the message says why)
     */
    StepServer start(ServerConfig config) throws IOException;

    /** Stops the server, if one runs, and waits for its threads. */
    void stop();

    Optional<StepServer> server();

    ServerStatus status();

    /** The last requests and log lines, across restarts, for views that open late. */
    RecentActivity recentActivity();

    void addListener(ServerListener listener);

    void removeListener(ServerListener listener);
}
