package org.fita.server.runner;

import java.io.IOException;
import java.util.Optional;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;

/**
 * Starts and stops one embedded server and relays its events; the Local Server view and the
 * {@code fita-server} command both use it. Listeners stay registered across restarts.
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
