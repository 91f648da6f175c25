package org.fita.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on 127.0.0.1 that behaves like a long link: every chunk read from one side is
 * delivered to the other side {@code delay} later, in order. It is a delay line, not a
 * stop-and-wait relay: reading goes on while earlier chunks wait, so many chunks are on the way
 * at once and only the round trip, not the bandwidth, is added.
 */
final class DelayProxy implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    /** Bytes on the way per direction; far above what the delay holds at loopback speed, yet bounded. */
    private static final int MAX_BYTES_IN_LINE = 256 << 20;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    /** Marks the end of one direction: the reader saw end of stream. */
    private static final Chunk END = new Chunk(0, new byte[0]);

    DelayProxy(int targetPort, Duration delay) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.delayNanos = delay.toNanos();
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        start(this::acceptLoop, "delay-accept");
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target);
                for (Socket s : new Socket[] {client, server}) {
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                }
                relay(client, server, "up");
                relay(server, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("delay proxy: " + e.getMessage());
                }
            }
        }
    }

    /** One direction: a reader that stamps chunks and a writer that releases them when due. */
    private void relay(Socket from, Socket to, String name) {
        BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        Semaphore room = new Semaphore(MAX_BYTES_IN_LINE);
        start(() -> {
            byte[] buffer = new byte[CHUNK];
            try {
                // Not closed here: closing a socket's stream closes the socket, which the other direction still uses.
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    room.acquire(n);
                    line.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException | InterruptedException e) {
                // The connection ended (or the proxy closed): pass the end on.
            }
            line.add(END);
        }, "delay-read-" + name);
        start(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = line.take();
                    if (chunk == END) {
                        break;
                    }
                    long wait;
                    while ((wait = chunk.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(chunk.bytes());
                    room.release(chunk.bytes().length);
                }
                // The other side closed its sending half; do the same so that it sees end of stream.
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
            if (to.isOutputShutdown() && from.isOutputShutdown()) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "delay-write-" + name);
    }

    private static void start(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // Already closed.
        }
        sockets.forEach(this::closeQuietly);
    }
}
