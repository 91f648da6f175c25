package org.fita.transfer.test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.fita.transfer.ServerAddress;

/**
 * A delay line on 127.0.0.1 in front of a real server that reads STEP frames on the way and counts
 * the data requests (UPLOAD, DOWNLOAD) in flight over all connections: read from a client and not
 * yet answered to it. Every request reaches the server {@code delay} after it arrived, in order, so
 * that a client fills its window as it would on a long link.
 */
final class InFlightProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final ServerAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private record Held(long dueNanos, byte[] frame, boolean data) {
    }

    private static final Held END = new Held(0, new byte[0], false);
    private final Object gate = new Object();
    private final Object connectionGate = new Object();
    private int awaitedConnections;
    private long connectionDeadline;
    private volatile int connectionsAtRelease = -1;
    private int gateCount;
    private long gateDeadline;

    InFlightProxy(ServerAddress target, long delayMillis) throws IOException {
        this.target = target;
        this.delayNanos = delayMillis * 1_000_000;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::accept, "in-flight-proxy");
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", listener.getLocalPort());
    }

    /** The most data requests that were in flight at once since the last {@link #reset()}. */
    int mostInFlight() {
        return most.get();
    }

    /** Connections accepted since the last {@link #reset()}. */
    int connections() {
        return connections.get();
    }

    /**
     * Holds the next request back until {@code count} connections came since the last {@link #reset()},
     * or {@code millis} passed; {@link #connectionsAtRelease()} then tells how many had come.
     */
    void holdNextRequestUntilConnections(int count, long millis) {
        synchronized (connectionGate) {
            awaitedConnections = count;
            connectionDeadline = System.nanoTime() + millis * 1_000_000;
            connectionsAtRelease = -1;
        }
    }

    /** Connections accepted when the held request went on; -1 before. */
    int connectionsAtRelease() {
        return connectionsAtRelease;
    }

    private void passConnectionGate() throws InterruptedException {
        synchronized (connectionGate) {
            if (awaitedConnections == 0) {
                return;
            }
            while (connections.get() < awaitedConnections) {
                long left = connectionDeadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                connectionGate.wait(Math.max(1, left / 1_000_000));
            }
            connectionsAtRelease = connections.get();
            awaitedConnections = 0;
        }
    }

    void reset() {
        most.set(inFlight.get());
        connections.set(0);
    }

    /**
     * Holds data requests back from the server until {@code count} are in flight or {@code millis}
     * passed, whichever comes first: then a client's window, not its speed, decides how many it sent.
     */
    void holdUntil(int count, long millis) {
        synchronized (gate) {
            gateCount = count;
            gateDeadline = System.nanoTime() + millis * 1_000_000;
        }
    }

    private void passGate() throws InterruptedException {
        synchronized (gate) {
            while (gateCount > 0 && inFlight.get() < gateCount) {
                long left = gateDeadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                gate.wait(Math.max(1, left / 1_000_000));
            }
            gateCount = 0;
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(target.host(), target.port());
                sockets.add(client);
                sockets.add(server);
                connections.incrementAndGet();
                synchronized (connectionGate) {
                    connectionGate.notifyAll();
                }
                Queue<Boolean> asked = new ConcurrentLinkedQueue<>();
                BlockingQueue<Held> line = new LinkedBlockingQueue<>();
                start(() -> requests(client, line, asked), "in-flight-proxy-requests");
                start(() -> deliver(line, server), "in-flight-proxy-line");
                start(() -> replies(server, client, asked), "in-flight-proxy-replies");
            }
        } catch (IOException closed) {
            // The proxy was closed.
        }
    }

    /** Reads whole request frames from the client, counts the data requests and puts them on the line. */
    private void requests(Socket client, BlockingQueue<Held> line, Queue<Boolean> asked) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream(), 1 << 16));
            while (true) {
                byte[] header = new byte[8];
                try {
                    in.readFully(header);
                } catch (EOFException e) {
                    break;
                }
                int jsonLength = readInt(header, 0);
                int binaryLength = readInt(header, 4);
                byte[] frame = new byte[8 + jsonLength + binaryLength];
                System.arraycopy(header, 0, frame, 0, 8);
                in.readFully(frame, 8, jsonLength + binaryLength);
                JsonObject json = JsonParser.parseString(new String(frame, 8, jsonLength, StandardCharsets.UTF_8))
                        .getAsJsonObject();
                JsonElement operation = json.get("operation");
                boolean data = operation != null
                        && ("UPLOAD".equals(operation.getAsString()) || "DOWNLOAD".equals(operation.getAsString()));
                passConnectionGate();
                asked.add(data);
                if (data) {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    synchronized (gate) {
                        gate.notifyAll();
                    }
                }
                line.put(new Held(System.nanoTime() + delayNanos, frame, data));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The client went away, or the proxy was closed.
        }
        line.add(END);
    }

    private void deliver(BlockingQueue<Held> line, Socket server) {
        try {
            OutputStream out = server.getOutputStream();
            while (true) {
                Held held = line.take();
                if (held == END) {
                    break;
                }
                long wait;
                while ((wait = held.dueNanos() - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (held.data()) {
                    passGate();
                }
                out.write(held.frame());
            }
            server.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            // The server went away, or the proxy was closed.
        }
    }

    /** Passes reply frames back whole; a data request counts as answered when its reply starts on its way back. */
    private void replies(Socket server, Socket client, Queue<Boolean> asked) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(server.getInputStream(), 1 << 16));
            OutputStream out = new BufferedOutputStream(client.getOutputStream(), 1 << 16);
            byte[] buffer = new byte[1 << 16];
            while (true) {
                byte[] header = new byte[8];
                try {
                    in.readFully(header);
                } catch (EOFException e) {
                    break;
                }
                // Counted as answered before the client can read the reply: once it has, it may send
                // the next request at once, and that must not be counted beside this one.
                if (Boolean.TRUE.equals(asked.poll())) {
                    inFlight.decrementAndGet();
                }
                out.write(header);
                long left = (long) readInt(header, 0) + readInt(header, 4);
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new EOFException();
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
                out.flush();
            }
            client.shutdownOutput();
        } catch (IOException e) {
            // One side went away, or the proxy was closed.
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    private static void start(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
