package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.ConnectionException;

/**
 * One TCP connection to a STEP server. Requests may be queued without waiting ({@link #send}) and
 * their replies read in order ({@link #receive}): pipelining where the server supports it,
 * stop-and-wait (send, then receive) where it does not. Not thread-safe: one user at a time.
 */
final class StepConnection implements AutoCloseable {
    private static final int IO_BUFFER = 256 * 1024;

    private final ServerAddress address;
    private final Socket socket;
    private final SocketChannel channel;
    private final InputStream in;
    private final FrameReader reader;
    private final FrameWriter writer;

    private StepConnection(ServerAddress address, Socket socket) throws IOException {
        this.address = address;
        this.socket = socket;
        this.channel = socket.getChannel();
        this.in = new BufferedInputStream(socket.getInputStream(), IO_BUFFER);
        this.reader = new FrameReader(in, FrameLimits.CLIENT_DEFAULT);
        this.writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), IO_BUFFER));
    }

    static StepConnection open(ServerAddress address, Duration connectTimeout, Duration replyTimeout)
            throws ConnectionException {
        // Opened as a channel so that blocks can go from a file to the socket without passing through
        // Java (sendfile); its socket's streams carry everything else, reply timeouts included.
        Socket socket;
        try {
            socket = SocketChannel.open().socket();
        } catch (IOException e) {
            throw new ConnectionException("Cannot open a socket: " + e.getMessage(), e);
        }
        try {
            socket.setTcpNoDelay(true);
            socket.setSendBufferSize(1 << 20);
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) replyTimeout.toMillis());
            return new StepConnection(address, socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new ConnectionException("Cannot connect to " + address + ": " + e.getMessage()
                    + ". Is the server running, and are the host and port right?", e);
        }
    }

    /** Queues a request; {@link #flush()} or a later {@link #receive()} sends it. */
    void send(JsonObject request, byte[] payload, int offset, int length) throws ConnectionException {
        try {
            writer.write(request, payload, offset, length);
        } catch (IOException e) {
            throw lost("sending", e);
        }
    }

    /**
     * Sends a request whose binary part is {@code length} bytes of {@code file} from {@code position},
     * handed from the file to the socket by the operating system where it can.
     */
    void sendFromFile(JsonObject request, FileChannel file, long position, int length)
            throws ConnectionException, IOException {
        try {
            writer.writeStart(request, length);
            writer.flush();
        } catch (IOException e) {
            throw lost("sending", e);
        }
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = file.transferTo(position + done, length - done, channel);
            } catch (IOException e) {
                throw lost("sending", e);
            }
            if (n == 0 && position + done >= file.size()) {
                throw new IOException("the file became shorter while it was being uploaded");
            }
            done += n;
        }
    }

    void send(JsonObject request) throws ConnectionException {
        send(request, null, 0, 0);
    }

    void flush() throws ConnectionException {
        try {
            writer.flush();
        } catch (IOException e) {
            throw lost("sending", e);
        }
    }

    /** Flushes what is queued and reads the next reply's JSON; its binary part is left to read. */
    IncomingFrame receiveFrame() throws ConnectionException {
        flush();
        try {
            IncomingFrame frame = reader.next();
            if (frame == null) {
                throw new ConnectionException("The server at " + address + " closed the connection instead of answering.",
                        null);
            }
            return frame;
        } catch (SocketTimeoutException e) {
            throw new ConnectionException("The server at " + address + " did not answer within "
                    + socketTimeoutSeconds() + " s. Classic servers stay silent on some errors; check the request.", e);
        } catch (IOException e) {
            throw lost("receiving", e);
        }
    }

    /** Reads the next reply, discarding any binary part. */
    StepMessage receive() throws ConnectionException {
        return receiveFrame().message();
    }

    /** Reads the binary part of the reply just received into {@code buffer}; returns its length. */
    int readPayload(IncomingFrame frame, byte[] buffer) throws ConnectionException {
        long length = frame.binaryLength();
        if (length > buffer.length) {
            throw new ConnectionException("The server sent a block of " + length + " bytes, more than the "
                    + buffer.length + " planned.", null);
        }
        try {
            int off = 0;
            InputStream binary = frame.binary();
            while (off < length) {
                int n = binary.read(buffer, off, (int) length - off);
                if (n < 0) {
                    throw new ConnectionException("The server at " + address + " closed the connection inside a block.",
                            null);
                }
                off += n;
            }
            return off;
        } catch (IOException e) {
            throw lost("receiving", e);
        }
    }

    StepMessage call(JsonObject request) throws ConnectionException {
        send(request);
        return receive();
    }

    private int socketTimeoutSeconds() {
        try {
            return socket.getSoTimeout() / 1000;
        } catch (IOException e) {
            return -1;
        }
    }

    private ConnectionException lost(String doing, IOException e) {
        return new ConnectionException("The connection to " + address + " failed while " + doing + ": "
                + e.getMessage() + ".", e);
    }

    ServerAddress address() {
        return address;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
