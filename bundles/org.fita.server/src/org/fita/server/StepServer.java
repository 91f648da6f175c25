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
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
import org.fita.server.storage.LocalBlobStore;
import org.fita.server.storage.PrivateFiles;

/**
 * A STEP server: listens, runs one thread per connection (at most {@code maxConnections}), and
 * answers with a {@link RequestHandler} over a {@link LocalBlobStore}. Start it with
 * {@link #start(ServerConfig)}; {@link #close()} stops it and waits for its threads.
 */
public final class StepServer implements AutoCloseable {
    /** Name and version announced to FiTA clients. */
    public static final String NAME = "FiTA 0.1.0";

    private final ServerConfig config;
    private final List<ServerListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger served = new AtomicInteger();
    private final Semaphore slots;
    private final ExecutorService workers;
    private final ThreadPoolExecutor rejecter;
    private final ScheduledExecutorService housekeeping;
    private ServerLog log;
    private LocalBlobStore store;
    private ServerSocket serverSocket;
    private Thread acceptThread;
    private FileChannel lockChannel;
    private FileLock rootLock;
    private volatile boolean stopping;
    private volatile boolean started;

    private StepServer(ServerConfig config) {
        this.config = config;
        this.slots = new Semaphore(config.maxConnections());
        this.workers = Executors.newCachedThreadPool(daemon("fita-conn"));
        // Tells clients over the limit why they are refused; small and bounded so it cannot be flooded.
        this.rejecter = new ThreadPoolExecutor(1, 4, 10, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(32),
                daemon("fita-reject"));
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
        store = new LocalBlobStore(config.root(), log::warn, config.directIo());
        AccountStore accounts = new AccountStore(config.root(), new PasswordHasher(config.passwordIterations()));
        store.configure(config.uploadTtl(), accounts.quotas(config.defaultQuota()));
        TokenService tokens = TokenService.forRoot(config.root(), config.tokenTtl(), accounts::generation);
        Authenticator authenticator = new Authenticator(config.authMode(), accounts);
        RequestHandler handler = new RequestHandler(config, store, tokens, authenticator, NAME);
        FrameLimits limits = new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true);

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
        log.info("Start the TCP service, listening " + port() + " on IP " + config.host()
                + " (auth " + config.authMode().name().toLowerCase() + ", storage " + config.root()
                + (config.classicOnly() ? ", classic only" : "") + ")");
        log.info("Server is ready on " + config.host() + ":" + port());
        InetSocketAddress address = (InetSocketAddress) serverSocket.getLocalSocketAddress();
        started = true;
        forEachListener(l -> l.serverStarted(address));
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
            if (!slots.tryAcquire()) {
                refuse(socket, info);
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()));
                Connection connection = new Connection(socket, info, handler, store, limits, host());
                connections.add(connection);
                log.info("--> New connection #" + info.id() + " from " + info.remote());
                forEachListener(l -> l.connectionOpened(info));
                workers.execute(connection);
            } catch (SocketException | RejectedExecutionException e) {
                slots.release();
                closeQuietly(socket);
            }
        }
    }

    private void refuse(Socket socket, ConnectionInfo info) {
        log.warn("Refused connection #" + info.id() + " from " + info.remote() + ": all "
                + config.maxConnections() + " connection slots are in use");
        Runnable tellAndClose = () -> {
            try (Socket s = socket) {
                s.setSoTimeout(2000);
                // Read the first request so the reply answers it, then say why and close.
                new FrameReader(s.getInputStream(), new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true)).next();
                FrameWriter writer = new FrameWriter(s.getOutputStream());
                writer.write(Replies.of(Operation.ERROR, MessageType.ERROR, Status.TOO_MANY_CONNECTIONS,
                        "The server is serving its limit of " + config.maxConnections()
                                + " connections. Try again later.").build());
                writer.flush();
            } catch (IOException | RuntimeException ignored) {
                // The client went away or sent junk: it is refused either way.
            }
        };
        try {
            rejecter.execute(tellAndClose);
        } catch (RejectedExecutionException floodedOrStopping) {
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
                    log.info("#" + e.connectionId() + " " + e.type() + " " + e.operation()
                            + (e.key() != null ? " \"" + e.key() + "\"" : "")
                            + (e.user() != null ? " by " + e.user() : "") + " -> " + e.status() + " " + e.message());
                }
                forEachListener(l -> l.requestHandled(e));
            }

            @Override
            public void closed(Connection connection, String reason) {
                connections.remove(connection);
                slots.release();
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
        connections.forEach(Connection::close);
        workers.shutdown();
        rejecter.shutdownNow();
        housekeeping.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
            if (acceptThread != null) {
                acceptThread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (store != null) {
            store.close();
        }
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
