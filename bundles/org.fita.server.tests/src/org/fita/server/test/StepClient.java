package org.fita.server.test;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.Authenticator;

/** A bare STEP client over a real socket, for tests: sends frames and reads replies. */
public final class StepClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;
    private final FrameWriter writer;

    public StepClient(int port) throws IOException {
        this(port, null);
    }

    /** Connects from {@code localAddress} (such as 127.0.0.2, to play a second client machine), or any if null. */
    public StepClient(int port, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
        reader = new FrameReader(in, FrameLimits.CLIENT_DEFAULT);
        writer = new FrameWriter(out);
    }

    /** Speaks STEP over a socket already connected (and, for TLS, already through its handshake). */
    public StepClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
        reader = new FrameReader(in, FrameLimits.CLIENT_DEFAULT);
        writer = new FrameWriter(out);
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Sends one frame without waiting for the reply. */
    public void send(JsonObject json, byte[] payload) throws IOException {
        writer.write(json, payload, 0, payload == null ? 0 : payload.length);
        writer.flush();
    }

    /** Queues a frame; {@link #flush()} sends it. For pipelining. */
    public void queue(JsonObject json, byte[] payload) throws IOException {
        writer.write(json, payload, 0, payload == null ? 0 : payload.length);
    }

    public void flush() throws IOException {
        writer.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next reply; fails the test if none comes. */
    public Frame receive() throws IOException {
        FrameReader.IncomingFrame frame = reader.next();
        if (frame == null) {
            throw new IOException("The server closed the connection instead of replying.");
        }
        return frame.toFrame();
    }

    /** A reply exactly as it came: its JSON text and binary part. */
    public record RawReply(String json, byte[] binary) {
    }

    /** Reads the next reply without decoding it, to compare its bytes with a capture. */
    public RawReply receiveRaw() throws IOException {
        byte[] header = in.readNBytes(8);
        if (header.length < 8) {
            throw new IOException("The server closed the connection instead of replying.");
        }
        int n = java.nio.ByteBuffer.wrap(header).getInt();
        int m = java.nio.ByteBuffer.wrap(header, 4, 4).getInt();
        byte[] json = in.readNBytes(n);
        byte[] binary = in.readNBytes(m);
        if (json.length < n || binary.length < m) {
            throw new IOException("The connection ended inside a reply.");
        }
        return new RawReply(new String(json, java.nio.charset.StandardCharsets.UTF_8), binary);
    }

    /** Sends a request written as JSON text, framed as a classic client frames it, with its payload. */
    public RawReply callRaw(String jsonText, byte[] payload) throws IOException {
        byte[] json = jsonText.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int m = payload == null ? 0 : payload.length;
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(8 + json.length + m);
        frame.putInt(json.length).putInt(m).put(json);
        if (m > 0) {
            frame.put(payload);
        }
        sendRaw(frame.array());
        return receiveRaw();
    }

    public StepMessage call(JsonObject json) throws IOException {
        return call(json, null);
    }

    public StepMessage call(JsonObject json, byte[] payload) throws IOException {
        send(json, payload);
        return receive().message();
    }

    /** Logs in with the classic password and returns the token. */
    public String login(String username) throws IOException {
        return login(username, Authenticator.md5Hex(username));
    }

    public String login(String username, String password) throws IOException {
        StepMessage reply = call(Requests.login(username, password));
        if (!reply.isOk()) {
            throw new IOException("LOGIN failed: " + reply);
        }
        return reply.string(Fields.TOKEN).orElseThrow();
    }

    /**
     * True if the server closed the connection (EOF or reset) within the timeout without sending
     * anything more.
     */
    public boolean closedByServer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
