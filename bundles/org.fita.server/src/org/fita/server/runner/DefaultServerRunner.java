package org.fita.server.runner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fita.server.ConnectionInfo;
import org.fita.server.RequestEvent;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** The {@link ServerRunner} service; outside OSGi, create it with {@code new}. */
@Component(service = ServerRunner.class)
public final class DefaultServerRunner implements ServerRunner {
    private static final int KEPT_REQUESTS = 500;
    private static final int KEPT_LOG_LINES = 1000;

    private final RecentActivity recentActivity = new RecentActivity(KEPT_REQUESTS, KEPT_LOG_LINES);
    private final List<ServerListener> listeners = new CopyOnWriteArrayList<>(List.of(recentActivity));
    private final ServerListener relay = new Relay();
    private StepServer server;
    private Instant startedAt;
    private String lastError;

    @Override
    public synchronized StepServer start(ServerConfig config) throws IOException {
        if (server != null) {
            throw new IllegalStateException("The server is already running on port " + server.port() + ".");
        }
        try {
            server = StepServer.start(config, relay);
            startedAt = Instant.now();
            lastError = null;
            return server;
        } catch (IOException | RuntimeException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    @Override
    @Deactivate
    public void stop() {
        StepServer running;
        synchronized (this) {
            running = server;
            server = null;
            startedAt = null;
        }
        if (running != null) {
            running.close();
        }
    }

    @Override
    public synchronized Optional<StepServer> server() {
        return Optional.ofNullable(server);
    }

    @Override
    public synchronized ServerStatus status() {
        if (server == null) {
            return new ServerStatus(false, null, null, 0, 0, lastError);
        }
        InetSocketAddress address = server.address();
        return new ServerStatus(true, address, startedAt, server.connections().size(), server.requestsServed(), null,
                server.tls().orElse(null));
    }

    @Override
    public RecentActivity recentActivity() {
        return recentActivity;
    }

    @Override
    public void addListener(ServerListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ServerListener listener) {
        listeners.remove(listener);
    }

    private final class Relay implements ServerListener {
        @Override
        public void serverStarted(InetSocketAddress address) {
            listeners.forEach(l -> l.serverStarted(address));
        }

        @Override
        public void serverStopped() {
            listeners.forEach(ServerListener::serverStopped);
        }

        @Override
        public void connectionOpened(ConnectionInfo connection) {
            listeners.forEach(l -> l.connectionOpened(connection));
        }

        @Override
        public void connectionClosed(ConnectionInfo connection, String reason) {
            listeners.forEach(l -> l.connectionClosed(connection, reason));
        }

        @Override
        public void connectionSecured(ConnectionInfo connection, String protocol, String cipherSuite) {
            listeners.forEach(l -> l.connectionSecured(connection, protocol, cipherSuite));
        }

        @Override
        public void requestHandled(RequestEvent event) {
            listeners.forEach(l -> l.requestHandled(event));
        }

        @Override
        public void logged(String line) {
            listeners.forEach(l -> l.logged(line));
        }
    }
}
