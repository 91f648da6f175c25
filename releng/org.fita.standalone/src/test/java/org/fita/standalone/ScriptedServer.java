package org.fita.standalone;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;

/**
 * A STEP server on 127.0.0.1 that answers each request with what a test scripts: for the replies a
 * real server never gives, such as a hostile server's keys and messages. Real sockets and frames;
 * one thread per connection, each read bounded by a timeout.
 */
final class ScriptedServer implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final ServerSocket listener;
    private final Function<JsonObject, JsonObject> replies;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    /** {@code replies} gives the reply to each request's JSON (its binary part is skipped). */
    ScriptedServer(Function<JsonObject, JsonObject> replies) throws IOException {
        this.replies = replies;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                connections.add(socket);
                Thread serve = new Thread(() -> serve(socket), "scripted-connection");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()), FrameLimits.CLIENT_DEFAULT);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream()));
            for (FrameReader.IncomingFrame frame = reader.next(); frame != null; frame = reader.next()) {
                JsonObject reply = replies.apply(frame.json());
                frame.skipRemaining();
                writer.write(reply);
                writer.flush();
            }
        } catch (IOException e) {
            // The client went away or timed out: the test judges by what the client printed.
        }
    }

    /** A reply with the fields every STEP reply carries, after {@code fields}. */
    static JsonObject reply(JsonObject request, int status, String message, JsonObject fields) {
        JsonObject reply = fields == null ? new JsonObject() : fields.deepCopy();
        reply.addProperty("operation", request.has("operation") ? request.get("operation").getAsString() : "ERROR");
        reply.addProperty("direction", "RESPONSE");
        reply.addProperty("status", status);
        reply.addProperty("status_msg", message);
        reply.addProperty("type", request.has("type") ? request.get("type").getAsString() : "ERROR");
        return reply;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
