package org.fita.transfer.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fita.transfer.ServerAddress;

/**
 * A TCP relay on 127.0.0.1 in front of a server that can stall: after {@link #stall()} it keeps
 * every connection open but passes no more bytes either way, as a network that went silent.
 */
final class StallingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final ServerAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean stalled;

    StallingProxy(ServerAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "stalling-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", listener.getLocalPort());
    }

    void stall() {
        stalled = true;
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(target.host(), target.port());
                sockets.add(client);
                sockets.add(server);
                relay(client, server);
                relay(server, client);
            }
        } catch (IOException closed) {
            // The proxy was closed.
        }
    }

    private void relay(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (gate) {
                        while (stalled) {
                            gate.wait();
                        }
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // One side closed, or the proxy did.
            }
        }, "stalling-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
        for (Socket s : sockets) {
            s.close();
        }
    }
}
