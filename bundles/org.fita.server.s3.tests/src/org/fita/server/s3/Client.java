package org.fita.server.s3;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;

/** A bare STEP client over a real socket: sends a frame, reads the reply. */
final class Client implements AutoCloseable {
    private final Socket socket;
    private final FrameReader reader;
    private final FrameWriter writer;
    String token;

    Client(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        reader = new FrameReader(new BufferedInputStream(socket.getInputStream()), FrameLimits.CLIENT_DEFAULT);
        writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream()));
    }

    Frame callFrame(JsonObject json, byte[] payload) throws IOException {
        writer.write(json, payload, 0, payload == null ? 0 : payload.length);
        writer.flush();
        FrameReader.IncomingFrame frame = reader.next();
        if (frame == null) {
            throw new IOException("The server closed the connection instead of replying.");
        }
        return frame.toFrame();
    }

    StepMessage call(JsonObject json, byte[] payload) throws IOException {
        return callFrame(json, payload).message();
    }

    StepMessage call(JsonObject json) throws IOException {
        return call(json, null);
    }

    /** Logs in with the classic password, md5(username), and keeps the token. */
    Client login(String user) throws IOException {
        return login(user, md5(user.getBytes(StandardCharsets.UTF_8)));
    }

    Client login(String user, String password) throws IOException {
        StepMessage reply = call(Requests.fita(Requests.login(user, password)));
        if (!reply.isOk()) {
            throw new IOException("LOGIN failed: " + reply);
        }
        token = reply.string(Fields.TOKEN).orElseThrow();
        return this;
    }

    static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
