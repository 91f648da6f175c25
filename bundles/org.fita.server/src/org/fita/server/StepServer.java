package org.fita.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.PasswordHasher;
import org.fita.server.auth.TokenService;
import org.fita.server.internal.Connection;
import org.fita.server.internal.RequestHandler;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.LocalBlobStore;
import org.fita.server.storage.StoreFactory;
import org.fita.server.storage.PrivateFiles;
import org.fita.server.tls.ServerCertificates;
import org.fita.server.tls.ServerIdentity;
import org.fita.server.tls.TlsEndpoint;

/**
 * A STEP server: listens, serves each connection on a virtual thread of its own (at most
 * {@code maxConnections} at once), and answers with a {@link RequestHandler} over a
 * {@link LocalBlobStore}. Connections that have not logged in are closed after the login grace
 * time, and are the first to go when the server is full (OpenSSH's MaxStartups idea), so a flood of
 * silent connections cannot lock real clients out. A reply that cannot be written for the write
 * timeout closes its connection. Start it with {@link #start(ServerConfig)}; {@link #close()} stops
 * it and waits for its threads.
 */
public final class StepServer implements AutoCloseable {
    /** Name and version announced to FiTA clients. */
    public static final String NAME = "FiTA 0.1.0";

    private final ServerConfig config;
    private final List<ServerListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger served = new AtomicInteger();
    /** Guards admission: the counts below and the not-logged-in queue change together. */
    private final ReentrantLock admission = new ReentrantLock();
    private int active;
    private final Map<String, Integer> perAddress = new HashMap<>();
    /** Connections that have not logged in, oldest (lowest id) first. */
    private final NavigableMap<Long, Connection> notLoggedIn = new TreeMap<>();
    /** Refusals being explained at once; past this, refused sockets are just closed. */
    private final Semaphore refusals = new Semaphore(MAX_REFUSALS_AT_ONCE);
    private final ScheduledExecutorService housekeeping;
    private Authenticator authenticator;
    private ServerLog log;
    private BlobStore store;
    private ServerSocket serverSocket;
    private TlsEndpoint tlsEndpoint;
    private ServerTls tls;
    private Thread acceptThread;
    private FileChannel lockChannel;
    private FileLock rootLock;
    private volatile boolean stopping;
    private volatile boolean started;

    private static final int MAX_REFUSALS_AT_ONCE = 64;
    private static final Duration REFUSAL_READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private StepServer(ServerConfig config) {
        this.config = config;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("fita-housekeeping"));
    }

    /** Starts a server; it is listening when this returns. */
    public static StepServer start(ServerConfig config, ServerListener... listeners) throws IOException {
        StepServer server = new StepServer(config);
        server.listeners.addAll(List.of(listeners));
        try {
            server.open();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void open() throws IOException {
        // Private to this user, and refused if another could tamper with it (before anything is read from it).
        PrivateFiles.prepareRoot(config.root());
        lockRoot();
        log = new ServerLog(config.root(), config.logToConsole(), System.out, fanOut());
        AccountStore accounts = new AccountStore(config.root(), new PasswordHasher(config.passwordIterations()));
        if (config.storeFactory() != null) {
            store = config.storeFactory().open(new StoreFactory.Context(config.root(), log::warn, config.uploadTtl(),
                    accounts.quotas(config.defaultQuota())));
        } else {
            LocalBlobStore local = new LocalBlobStore(config.root(), log::warn, config.directIo());
            store = local;
            local.configure(config.uploadTtl(), accounts.quotas(config.defaultQuota()));
        }
        TokenService tokens = config.secretFile() != null
                ? TokenService.forSecretFile(config.secretFile(), config.tokenTtl(), accounts::generation)
                : TokenService.forRoot(config.root(), config.tokenTtl(), accounts::generation);
        authenticator = new Authenticator(config.authMode(), accounts);
        RequestHandler handler = new RequestHandler(config, store, tokens, authenticator, NAME);
        FrameLimits limits = new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true);
        if (config.tls()) {
            openTls();
        }

        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        try {
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + ". Is another server using that port? Choose another with --port.", e);
        }
        acceptThread = new Thread(() -> acceptLoop(handler, limits), "fita-accept-" + port());
        acceptThread.setDaemon(true);
        acceptThread.start();
        housekeeping.scheduleWithFixedDelay(store::housekeeping, 30, 30, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(authenticator::forgetIdle, 10, 10, TimeUnit.SECONDS);
        long tick = deadlineTick().toMillis();
        housekeeping.scheduleWithFixedDelay(this::enforceDeadlines, tick, tick, TimeUnit.MILLISECONDS);
        log.info("Start the TCP service, listening " + port() + " on IP " + config.host()
                + " (auth " + config.authMode().name().toLowerCase() + ", storage "
                + (config.storeFactory() != null ? store.describe() : config.root())
                + (config.classicOnly() ? ", classic only" : "") + ")");
        warnIfFewFileDescriptors();
        log.info("Server is ready on " + config.host() + ":" + port() + (tls != null ? " (" + tls.describe() + ")" : ""));
        InetSocketAddress address = (InetSocketAddress) serverSocket.getLocalSocketAddress();
        started = true;
        forEachListener(l -> l.serverStarted(address));
    }

    /** Reads or makes the certificate, and says at the start what clients will see. */
    private void openTls() throws IOException {
        ServerIdentity identity = config.tlsCertificate() != null
                ? ServerCertificates.load(config.tlsCertificate(), config.tlsKey())
                : ServerCertificates.selfSigned(config.root(), config.host());
        tlsEndpoint = TlsEndpoint.of(identity);
        tls = new ServerTls(config.requireTls(), identity.fingerprint(), identity.selfSigned(), identity.notAfter(),
                identity.certificateFile());
        log.info("TLS on the same port" + (config.requireTls() ? " (required: plain STEP is refused)" : " beside plain STEP")
                + ": " + (identity.selfSigned() ? "self-signed certificate " : "certificate ") + identity.certificateFile()
                + " for " + identity.certificate().getSubjectX500Principal().getName() + ", valid until "
                + identity.notAfter() + ", fingerprint " + identity.fingerprint() + " (hex, as openssl prints it: "
                + identity.fingerprint().toHex() + "); " + String.join(" and ",
                        tlsEndpoint.protocols()));
        identity.expiryWarning(Instant.now()).ifPresent(log::warn);
    }

    /**
     * Each connection is a file descriptor: says so at the start if the process may not open enough
     * of them for the connection cap (Linux only; elsewhere nothing is said).
     */
    private void warnIfFewFileDescriptors() {
        java.nio.file.Path limits = java.nio.file.Path.of("/proc/self/limits");
        try (java.util.stream.Stream<String> lines = Files.lines(limits)) {
            lines.filter(l -> l.startsWith("Max open files")).findFirst().ifPresent(line -> {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                if (f.length > 0 && f[0].matches("\\d+")) {
                    long soft = Long.parseLong(f[0]);
                    // Files, logs and the listening socket need some besides the connections.
                    long needed = config.maxConnections() + 64L;
                    if (soft < needed) {
                        log.warn("This process may open only " + soft + " files, but --max-connections "
                                + config.maxConnections() + " needs about " + needed
                                + ": connections past the limit will fail. Raise it (ulimit -n " + needed
                                + ") or lower --max-connections.");
                    }
                }
            });
        } catch (IOException | RuntimeException notLinux) {
            // No /proc: the limit is unknown, and the server runs as it can.
        }
    }

    /** Refuses a second server on the same storage root: they would corrupt each other's uploads. */
    private void lockRoot() throws IOException {
        lockChannel = FileChannel.open(config.root().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            rootLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            rootLock = null;
        }
        if (rootLock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new IOException("Another FiTA server is using the storage root " + config.root()
                    + ". Stop it, or choose another root with --root.");
        }
    }

    private void acceptLoop(RequestHandler handler, FrameLimits limits) {
        while (!stopping) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log.error("Accepting connections failed", e);
                    sleepQuietly();
                }
                continue;
            }
            ConnectionInfo info = new ConnectionInfo(connectionIds.incrementAndGet(),
                    socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), Instant.now());
            Connection connection;
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()));
                connection = new Connection(socket, info, handler, store, limits, host(), tlsEndpoint == null ? null
                        : new Connection.Tls(tlsEndpoint, config.requireTls(), config.loginGraceTime().toNanos()));
            } catch (SocketException e) {
                closeQuietly(socket);
                continue;
            }
            Optional<String> refusal = admit(connection);
            if (refusal.isPresent()) {
                refuse(socket, info, refusal.get());
                continue;
            }
            log.info("--> New connection #" + info.id() + " from " + info.remote());
            forEachListener(l -> l.connectionOpened(info));
            try {
                Thread.ofVirtual().name("fita-conn-" + info.id()).start(connection);
            } catch (RuntimeException | OutOfMemoryError e) {
                connections.remove(connection);
                release(connection);
                closeQuietly(socket);
                log.error("Cannot start a thread for connection #" + info.id(), e);
            }
        }
    }

    /**
     * Takes a slot for a new connection. At the cap, the oldest connection that has not logged in is
     * closed to make room; only if every connection has logged in is the new one refused.
     *
     * @return the refusal message for the client, if it is refused
     */
    private Optional<String> admit(Connection connection) {
        Connection evicted = null;
        admission.lock();
        try {
            String address = connection.address();
            int fromAddress = perAddress.getOrDefault(address, 0);
            if (config.maxConnectionsPerAddress() > 0 && fromAddress >= config.maxConnectionsPerAddress()) {
                return Optional.of("Your address already has " + fromAddress + " connections to this server, its limit."
                        + " Close one, or try again later.");
            }
            if (active >= config.maxConnections()) {
                Map.Entry<Long, Connection> oldest = notLoggedIn.pollFirstEntry();
                if (oldest == null) {
                    return Optional.of("The server is serving its limit of " + config.maxConnections()
                            + " connections. Try again later.");
                }
                evicted = oldest.getValue();
                releaseLocked(evicted);
            }
            active++;
            perAddress.merge(address, 1, Integer::sum);
            notLoggedIn.put(connection.info().id(), connection);
            connections.add(connection);
        } finally {
            admission.unlock();
        }
        if (evicted != null) {
            evicted.close("not logged in, and the oldest such connection when the server reached its limit of "
                    + config.maxConnections() + " connections (it made room for a new one)");
        }
        return Optional.empty();
    }

    /** Gives back a connection's slot, once. */
    private void release(Connection connection) {
        admission.lock();
        try {
            releaseLocked(connection);
        } finally {
            admission.unlock();
        }
    }

    private void releaseLocked(Connection connection) {
        notLoggedIn.remove(connection.info().id());
        if (connection.releaseSlot()) {
            active--;
            perAddress.computeIfPresent(connection.address(), (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** How often the login grace time and the write timeout are checked: often enough for either. */
    private Duration deadlineTick() {
        Duration shortest = config.loginGraceTime().compareTo(config.writeTimeout()) < 0
                ? config.loginGraceTime() : config.writeTimeout();
        long millis = Math.max(50, Math.min(1000, shortest.toMillis() / 4));
        return Duration.ofMillis(millis);
    }

    /** Closes connections past the login grace time and connections whose reply is stuck. */
    private void enforceDeadlines() {
        try {
            long now = System.nanoTime();
            long grace = config.loginGraceTime().toNanos();
            List<Connection> late = new ArrayList<>();
            admission.lock();
            try {
                // Oldest first: the first one still within its grace time ends the search.
                for (Connection c : notLoggedIn.values()) {
                    if (now - c.openedNanos() < grace) {
                        break;
                    }
                    late.add(c);
                }
                late.forEach(c -> notLoggedIn.remove(c.info().id()));
            } finally {
                admission.unlock();
            }
            for (Connection c : late) {
                c.close("not logged in within the login grace time of " + config.loginGraceTime().toSeconds() + " s");
            }
            long writeLimit = config.writeTimeout().toNanos();
            for (Connection c : connections) {
                long since = c.writingSinceNanos();
                if (since != 0 && now - since > writeLimit) {
                    c.close("a reply could not be written for " + config.writeTimeout().toSeconds()
                            + " s (the client does not read its replies)");
                }
            }
        } catch (RuntimeException e) {
            // The next tick tries again; a failure here must not end the schedule.
            log.error("Checking connection deadlines failed", e);
        }
    }

    private void refuse(Socket socket, ConnectionInfo info, String message) {
        log.warn("Refused connection #" + info.id() + " from " + info.remote() + ": " + message);
        if (!refusals.tryAcquire()) {
            // Flooded: explaining would cost a thread per refusal.
            closeQuietly(socket);
            return;
        }
        Runnable tellAndClose = () -> {
            try (Socket s = socket) {
                s.setSoTimeout((int) REFUSAL_READ_TIMEOUT.toMillis());
                // Read the first request so the reply answers it, then say why and close.
                new FrameReader(s.getInputStream(), new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true)).next();
                FrameWriter writer = new FrameWriter(s.getOutputStream());
                writer.write(Replies.of(Operation.ERROR, MessageType.ERROR, Status.TOO_MANY_CONNECTIONS, message).build());
                writer.flush();
            } catch (IOException | RuntimeException ignored) {
                // The client went away or sent junk: it is refused either way.
            } finally {
                refusals.release();
            }
        };
        try {
            Thread.ofVirtual().name("fita-refuse-" + info.id()).start(tellAndClose);
        } catch (RuntimeException | OutOfMemoryError e) {
            refusals.release();
            closeQuietly(socket);
        }
    }

    private Connection.ConnectionHost host() {
        return new Connection.ConnectionHost() {
            @Override
            public void requestHandled(RequestEvent e) {
                served.incrementAndGet();
                boolean blockTransfer = "UPLOAD".equals(e.operation()) || "DOWNLOAD".equals(e.operation());
                // One line per block would drown the log (and slow transfers); failures are always logged.
                if (e.status() != Status.OK.code() || !blockTransfer) {
                    // Quoted and escaped: a client's words cannot pass for the line's own.
                    log.info("#" + e.connectionId() + " " + LogText.field(e.type()) + " " + LogText.field(e.operation())
                            + (e.key() != null ? " " + LogText.quoted(e.key()) : "")
                            + (e.user() != null ? " by " + LogText.field(e.user()) : "") + " -> " + e.status() + " "
                            + LogText.quoted(e.message()));
                }
                forEachListener(l -> l.requestHandled(e));
            }

            @Override
            public void authenticated(Connection connection) {
                admission.lock();
                try {
                    connection.markAuthenticated();
                    notLoggedIn.remove(connection.info().id());
                } finally {
                    admission.unlock();
                }
            }

            @Override
            public void secured(Connection connection, String protocol, String cipherSuite) {
                log.info("#" + connection.info().id() + " TLS " + protocol + " " + cipherSuite);
                forEachListener(l -> l.connectionSecured(connection.info(), protocol, cipherSuite));
            }

            @Override
            public void closed(Connection connection, String reason) {
                connections.remove(connection);
                release(connection);
                log.info("Connection #" + connection.info().id() + " from " + connection.info().remote()
                        + " closed: " + reason);
                forEachListener(l -> l.connectionClosed(connection.info(), reason));
            }

            @Override
            public void failed(ConnectionInfo info, String what, Throwable error) {
                log.error("Connection #" + info.id() + ": failed " + what, error);
            }
        };
    }

    /** Adds a listener; events start with the next one. */
    public void addListener(ServerListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ServerListener listener) {
        listeners.remove(listener);
    }

    private ServerListener fanOut() {
        return new ServerListener() {
            @Override
            public void logged(String line) {
                forEachListener(l -> l.logged(line));
            }
        };
    }

    private void forEachListener(java.util.function.Consumer<ServerListener> event) {
        for (ServerListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                if (log != null) {
                    log.warn("A server listener failed: " + e);
                }
            }
        }
    }

    public ServerConfig config() {
        return config;
    }

    /** The port listened on (the chosen one when the configuration said 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** This server's TLS, if it serves TLS. */
    public Optional<ServerTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** Connections open now. */
    public List<ConnectionInfo> connections() {
        return connections.stream().map(Connection::info).sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
    }

    /** Requests answered since the start. */
    public int requestsServed() {
        return served.get();
    }

    public java.nio.file.Path logDirectory() {
        return log.directory();
    }

    public boolean isRunning() {
        return serverSocket != null && !serverSocket.isClosed();
    }

    /** Stops listening, closes every connection, waits for their threads and releases the root. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        closeQuietly(serverSocket);
        housekeeping.shutdownNow();
        try {
            if (acceptThread != null) {
                acceptThread.join(5000);
            }
            // Connections end on their own threads once their sockets are closed; wait for them to report.
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                connections.forEach(c -> c.close("the server is stopping"));
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (authenticator != null) {
            authenticator.close();
        }
        closeQuietly(store);
        // A server that never started has nothing to announce: its caller reports the failure.
        if (started) {
            log.info("Server stopped");
            forEachListener(ServerListener::serverStopped);
        }
        if (log != null) {
            log.close();
        }
        try {
            if (rootLock != null) {
                rootLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // The lock goes with the process anyway.
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing: nothing left to do.
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
