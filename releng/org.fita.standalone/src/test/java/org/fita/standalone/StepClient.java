package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;

/**
 * A stop-and-wait STEP client over a real socket to 127.0.0.1, as a classic client talks: one
 * request, then its reply. Built on the protocol bundle's frame reader and writer.
 */
final class StepClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 20_000;
    /** Holds a whole classic UPLOAD frame, so it leaves in one write, as a classic client's sendall sends it. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Socket socket;
    private final FrameReader reader;
    private final FrameWriter writer;

    private StepClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES),
                FrameLimits.CLIENT_DEFAULT);
        this.writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES));
    }

    static StepClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            // A server that never answers fails the test instead of hanging it.
            socket.setSoTimeout(TIMEOUT_MILLIS);
            // Stop-and-wait with Nagle's algorithm would wait for delayed ACKs (40 ms) on every block.
            socket.setTcpNoDelay(true);
            return new StepClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects over TLS, through the handshake, to a server presenting {@code trusted} (compared by fingerprint, as a pinned certificate). */
    static StepClient connectTls(int port, java.util.function.Predicate<java.security.cert.X509Certificate> trusted)
            throws IOException {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                        throws java.security.cert.CertificateException {
                    if (!trusted.test(chain[0])) {
                        throw new java.security.cert.CertificateException("not the pinned certificate");
                    }
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            return new StepClient(socket);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** Sends a request with a binary part and returns the reply with its own. */
    Frame exchange(JsonObject request, byte[] payload, int offset, int length) throws IOException {
        writer.write(request, payload, offset, length);
        writer.flush();
        FrameReader.IncomingFrame reply = reader.next();
        if (reply == null) {
            throw new EOFException("The server closed the connection instead of answering " + request);
        }
        return reply.toFrame();
    }

    StepMessage request(JsonObject request) throws IOException {
        return exchange(request, null, 0, 0).message();
    }

    /** LOGIN that must succeed; returns the token. */
    String login(String username, String password) throws IOException {
        StepMessage reply = request(Requests.login(username, password));
        assertEquals(200, reply.status(), () -> "LOGIN of " + username + ": " + reply);
        return reply.token();
    }

    /** UPLOAD of block {@code index} of {@code file} in a plan of {@code blockSize}; returns the reply, whatever its status. */
    StepMessage upload(String token, String key, byte[] file, int blockSize, long index) throws IOException {
        int offset = (int) Blocks.offset(index, blockSize);
        int length = Blocks.length(file.length, blockSize, index);
        return exchange(Requests.upload(token, key, index), file, offset, length).message();
    }

    /** FILE GET, then DOWNLOAD of every block of its plan, in order; returns the bytes. */
    byte[] download(String token, String key) throws IOException {
        StepMessage plan = request(Requests.fileGet(token, key));
        assertEquals(200, plan.status(), () -> "FILE GET " + key + ": " + plan);
        long size = plan.integer(Fields.SIZE).orElseThrow();
        int blockSize = (int) plan.integer(Fields.BLOCK_SIZE).orElseThrow();
        long totalBlocks = plan.integer(Fields.TOTAL_BLOCK).orElseThrow();
        assertEquals(Blocks.totalBlocks(size, blockSize), totalBlocks, () -> "total_block of " + plan);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
        for (long i = 0; i < totalBlocks; i++) {
            Frame block = exchange(Requests.download(token, key, i), null, 0, 0);
            long index = i;
            assertEquals(200, block.message().status(), () -> "DOWNLOAD block " + index + ": " + block.message());
            assertEquals(i, block.message().integer(Fields.BLOCK_INDEX).orElse(-1), "block_index of the reply");
            assertEquals(Blocks.length(size, blockSize, i), block.payload().length, () -> "length of block " + index);
            bytes.write(block.payload(), 0, block.payload().length);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
