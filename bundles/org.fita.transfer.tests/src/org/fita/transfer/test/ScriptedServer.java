package org.fita.transfer.test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.StepMessage;
import org.fita.transfer.ServerAddress;

/**
 * A small STEP server on 127.0.0.1, scripted per test, for the cases a real server never produces:
 * broken plans, endless listings, trickling replies, peers that are not STEP servers. Each accepted
 * connection runs the script on its own thread; every request received is recorded.
 */
final class ScriptedServer implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void serve(Peer peer) throws Exception;
    }

    /** One request: its JSON and binary part. */
    record Request(StepMessage message, byte[] binary) {
        String operation() {
            return message.operation();
        }
    }

    private final ServerSocket listener;
    private final Script script;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Every request of every connection, in arrival order. */
    final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedServer(Script script) throws IOException {
        this.script = script;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", listener.getLocalPort());
    }

    /** The operations received, as "TYPE OPERATION" (e.g. "FILE DELETE"). */
    List<String> operations() {
        return requests.stream().map(r -> r.message().type() + " " + r.operation()).toList();
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread t = new Thread(() -> {
                    try (Socket s = socket) {
                        script.serve(new Peer(s));
                    } catch (Exception e) {
                        // The client went away, or the script ended the connection.
                    }
                }, "scripted-connection");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // The server was closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    static JsonObject reply(String operation, String type, int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("operation", operation);
        o.addProperty("direction", "RESPONSE");
        o.addProperty("status", status);
        o.addProperty("status_msg", message);
        o.addProperty("type", type);
        return o;
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One connection as the script sees it. */
    final class Peer {
        final Socket socket;
        private final FrameReader reader;
        private final OutputStream out;
        private final FrameWriter writer;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream()),
                    new FrameLimits(1 << 20, 64L << 20, false));
            this.out = socket.getOutputStream();
            this.writer = new FrameWriter(out);
        }

        /** The next request, or null when the client closed the connection. */
        Request next() throws IOException {
            IncomingFrame frame = reader.next();
            if (frame == null) {
                return null;
            }
            Request r = new Request(frame.message(), frame.readBinary());
            requests.add(r);
            return r;
        }

        void send(JsonObject json) throws IOException {
            send(json, new byte[0]);
        }

        void send(JsonObject json, byte[] binary) throws IOException {
            writer.write(json, binary, 0, binary.length);
            writer.flush();
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void raw(String text) throws IOException {
            raw(text.getBytes(StandardCharsets.US_ASCII));
        }

        /** Answers a LOGIN: as a FiTA server announcing {@code extensions}, or (none given) as a classic one. */
        void login(Request login, String... extensions) throws IOException {
            JsonObject r = new JsonObject();
            r.addProperty("token", "tok-" + System.nanoTime());
            if (extensions.length > 0) {
                r.addProperty("fita_version", 1);
                r.addProperty("server", "scripted");
                JsonArray names = new JsonArray();
                for (String e : extensions) {
                    names.add(e);
                }
                r.add("extensions", names);
                JsonObject limits = new JsonObject();
                limits.addProperty("min_block_size", 4096);
                limits.addProperty("max_block_size", 16 << 20);
                limits.addProperty("max_file_size", Long.MAX_VALUE / 2);
                limits.addProperty("max_list_page", 1000);
                limits.addProperty("max_batch_files", 64);
                limits.addProperty("max_batch_bytes", 4 << 20);
                r.add("limits", limits);
            }
            JsonObject tail = reply("LOGIN", "AUTH", 200, "Login successfully");
            tail.entrySet().forEach(e -> r.add(e.getKey(), e.getValue()));
            send(r);
        }

        /** Reads the LOGIN that starts a connection and answers it. */
        Request expectLogin(String... extensions) throws IOException {
            Request r = next();
            if (r == null || !"LOGIN".equals(r.operation())) {
                throw new IOException("expected a LOGIN, got " + (r == null ? "the end" : r.message()));
            }
            login(r, extensions);
            return r;
        }

        /** Waits until the client closes the connection (a server thread that died without a reply). */
        void hang() throws IOException {
            while (socket.getInputStream().read() >= 0) {
                // Swallow whatever comes, answer nothing.
            }
        }
    }
}
