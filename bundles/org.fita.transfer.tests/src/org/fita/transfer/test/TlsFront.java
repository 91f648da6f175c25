package org.fita.transfer.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.fita.transfer.ServerAddress;

/**
 * Terminates TLS in front of a plain STEP server on 127.0.0.1, as a TLS server on the same port
 * would: each accepted connection is a TLS server handshake, then the decrypted bytes go to the
 * plain server and its replies back. It records what came through, so a test can tell that a
 * refused connection carried no STEP byte. The certificate can be changed while it runs.
 */
final class TlsFront implements AutoCloseable {
    /** One accepted connection. */
    static final class Connection {
        volatile boolean handshaken;
        volatile String protocol;
        volatile String cipherSuite;
        final AtomicLong stepBytes = new AtomicLong();
    }

    private final ServerSocket listener;
    private final int backendPort;
    private volatile TestCertificates.Identity identity;
    private volatile SSLContext context;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    final AtomicInteger failedHandshakes = new AtomicInteger();

    TlsFront(int backendPort, TestCertificates.Identity identity) throws Exception {
        this.backendPort = backendPort;
        present(identity);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tls-front");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** From now on, new connections see {@code next}'s certificate. */
    void present(TestCertificates.Identity next) throws Exception {
        identity = next;
        context = next.serverContext();
    }

    TestCertificates.Identity identity() {
        return identity;
    }

    int port() {
        return listener.getLocalPort();
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", port());
    }

    /** Connections whose TLS handshake completed. */
    List<Connection> handshaken() {
        return connections.stream().filter(c -> c.handshaken).toList();
    }

    long stepBytes() {
        return connections.stream().mapToLong(c -> c.stepBytes.get()).sum();
    }

    private void accept() {
        try {
            while (true) {
                Socket raw = listener.accept();
                sockets.add(raw);
                Thread t = new Thread(() -> serve(raw), "tls-front-connection");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // The front was closed.
        }
    }

    private void serve(Socket raw) {
        Connection c = new Connection();
        connections.add(c);
        try (SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true)) {
            ssl.setUseClientMode(false);
            ssl.setSoTimeout(30_000);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                failedHandshakes.incrementAndGet();
                return;
            }
            c.protocol = ssl.getSession().getProtocol();
            c.cipherSuite = ssl.getSession().getCipherSuite();
            c.handshaken = true;
            ssl.setSoTimeout(0);
            try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
                sockets.add(backend);
                Thread replies = new Thread(() -> pump(backend, ssl, null), "tls-front-replies");
                replies.setDaemon(true);
                replies.start();
                pump(ssl, backend, c.stepBytes);
                replies.join(5_000);
            }
        } catch (IOException | InterruptedException e) {
            // The client or the server went away.
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong count) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0;) {
                if (count != null) {
                    count.addAndGet(n);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed: the other follows below.
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(to);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
