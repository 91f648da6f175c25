package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.StepMessage;
import org.fita.protocol.StepProtocolException;
import org.fita.transfer.StepException.ConnectionException;
import org.fita.transfer.StepException.NotStepServerException;
import org.fita.transfer.StepException.ProtocolViolationException;
import org.fita.transfer.StepException.TimeoutException;
import org.fita.transfer.StepException.UnknownHostException;
import org.fita.transfer.trust.ServerTrust;
import org.fita.transfer.trust.TlsInfo;

/**
 * One TCP connection to a STEP server, plain or over TLS. Requests may be queued without waiting
 * ({@link #send}) and their replies read in order ({@link #receive}): pipelining where the server supports it,
 * stop-and-wait (send, then receive) where it does not. Not thread-safe: one user at a time.
 * <p>
 * Every wait is bounded ({@link ConnectionLimits}): a reply's header and JSON must arrive within
 * the reply deadline, a binary part at no less than the low-speed limit, and a write that blocks
 * longer than the reply deadline closes the connection.
 */
final class StepConnection implements AutoCloseable {
    private static final int IO_BUFFER = 256 * 1024;
    /**
     * Largest piece handed to the socket in one call: the write watchdog sees each call, so a slow but
     * moving link (above about 1 KiB/s) never looks stuck, whatever the block size.
     */
    private static final int WRITE_PIECE = 64 * 1024;
    /** Checks for writes that block; one thread for every connection of the process. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fita-write-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final Set<StepConnection> OPEN = ConcurrentHashMap.newKeySet();

    static {
        WATCHDOG.scheduleWithFixedDelay(StepConnection::closeStuckWriters, 250, 250, TimeUnit.MILLISECONDS);
    }

    private final ServerAddress address;
    /** The TCP socket: closing it ends the connection at once, whatever a TLS layer is doing. */
    private final Socket raw;
    /** What carries STEP: {@link #raw} itself, or the TLS socket layered on it. */
    private final Socket socket;
    /** For sendfile on plain connections; null over TLS, whose bytes must pass through the TLS layer. */
    private final SocketChannel channel;
    private final TlsInfo tls;
    private byte[] fileBuffer;
    private final ConnectionLimits limits;
    private final GuardedInput guard;
    private final BufferedInputStream in;
    private final FrameReader reader;
    private final FrameWriter writer;
    private volatile long writeStarted;
    private volatile boolean closed;
    private volatile boolean stuckWrite;
    private boolean answeredBefore;
    private Consumer<StepConnection> onClose = c -> { };

    private StepConnection(ServerAddress address, Socket raw, SSLSocket ssl, TlsInfo tls, ConnectionLimits limits)
            throws IOException {
        this.address = address;
        this.raw = raw;
        this.socket = ssl == null ? raw : ssl;
        this.channel = ssl == null ? raw.getChannel() : null;
        this.tls = tls;
        this.limits = limits;
        this.guard = new GuardedInput(socket, limits);
        this.in = new BufferedInputStream(guard, IO_BUFFER);
        this.reader = new FrameReader(in, FrameLimits.CLIENT_DEFAULT);
        this.writer = new FrameWriter(new BufferedOutputStream(new WatchedOutput(socket.getOutputStream()), IO_BUFFER));
        OPEN.add(this);
    }

    static StepConnection open(ServerAddress address, ConnectionLimits limits) throws StepException {
        return open(address, limits, null);
    }

    /**
     * Connects, and with {@code trust} runs the TLS handshake (within the connect timeout, as a
     * classic server that receives a ClientHello waits for more bytes) before anything else.
     */
    static StepConnection open(ServerAddress address, ConnectionLimits limits, ServerTrust trust) throws StepException {
        // Opened as a channel so that blocks can go from a file to the socket without passing through
        // Java (sendfile); its socket's streams carry everything else.
        Socket socket;
        try {
            socket = SocketChannel.open().socket();
        } catch (IOException e) {
            throw new ConnectionException("Cannot open a socket: " + e.getMessage(), e);
        }
        try {
            socket.setTcpNoDelay(true);
            // No fixed SO_SNDBUF/SO_RCVBUF: setting them turns the kernel's buffer autotuning off, which on
            // Linux grows them to the link's bandwidth-delay product (tcp_rmem/tcp_wmem, up to 32/4 MiB here);
            // a fixed 1 MiB held a 50 ms link to about 20 MB/s per connection.
            InetSocketAddress target = new InetSocketAddress(address.host(), address.port());
            if (target.isUnresolved()) {
                throw new UnknownHostException(address.host() + ": unknown host. Check the server's name.", null);
            }
            socket.connect(target, (int) limits.connectTimeout().toMillis());
            if (trust == null) {
                return new StepConnection(address, socket, null, null, limits);
            }
            SSLSocket ssl = trust.handshake(socket, limits.connectTimeout());
            return new StepConnection(address, socket, ssl, trust.describe(ssl), limits);
        } catch (StepException e) {
            closeQuietly(socket);
            throw e;
        } catch (UnresolvedAddressException | java.net.UnknownHostException e) {
            closeQuietly(socket);
            throw new UnknownHostException(address.host() + ": unknown host. Check the server's name.", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new TimeoutException("Cannot connect to " + address + ": no answer within "
                    + limits.connectTimeout().toSeconds() + " s. Is the server running, and are the host and port right?",
                    e);
        } catch (IOException e) {
            closeQuietly(socket);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConnectionException("Cannot connect to " + address + ": " + why
                    + ". Is the server running, and are the host and port right?", e);
        }
    }

    /** Called once when the connection closes (a session forgets it). */
    void onClose(Consumer<StepConnection> action) {
        this.onClose = action;
        if (closed) {
            action.accept(this);
        }
    }

    boolean isClosed() {
        return closed || socket.isClosed();
    }

    /** What TLS negotiated; empty on a plain connection. */
    Optional<TlsInfo> tls() {
        return Optional.ofNullable(tls);
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
            if (channel != null) {
                writer.flush();
            }
        } catch (IOException e) {
            throw lost("sending", e);
        }
        if (channel == null) {
            // Over TLS the header and the block go through the same buffer, in as few records as fit.
            sendThroughStream(file, position, length);
            return;
        }
        long done = 0;
        while (done < length) {
            long n;
            writeStarted = System.nanoTime();
            try {
                n = file.transferTo(position + done, Math.min(WRITE_PIECE, length - done), channel);
            } catch (IOException e) {
                throw lost("sending", e);
            } finally {
                writeStarted = 0;
            }
            if (n == 0 && position + done >= file.size()) {
                throw new IOException("the file became shorter while it was being uploaded");
            }
            done += n;
        }
    }

    /** The binary part of {@link #sendFromFile} over TLS: read from the file, written through the TLS stream. */
    private void sendThroughStream(FileChannel file, long position, int length) throws ConnectionException, IOException {
        if (fileBuffer == null) {
            fileBuffer = new byte[WRITE_PIECE];
        }
        OutputStream out = writer.binaryOut();
        long done = 0;
        while (done < length) {
            ByteBuffer piece = ByteBuffer.wrap(fileBuffer, 0, (int) Math.min(fileBuffer.length, length - done));
            while (piece.hasRemaining()) {
                if (file.read(piece, position + done + piece.position()) < 0) {
                    throw new IOException("the file became shorter while it was being uploaded");
                }
            }
            try {
                out.write(fileBuffer, 0, piece.limit());
            } catch (IOException e) {
                throw lost("sending", e);
            }
            done += piece.limit();
        }
    }

    /** Whether a reply has begun to arrive, so that reading it now will not wait on the server. */
    boolean replyWaiting() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return true; // reading it reports the failure
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
    IncomingFrame receiveFrame() throws StepException {
        flush();
        try {
            guard.awaitReply();
            if (!answeredBefore) {
                checkSpeaksStep();
            }
            IncomingFrame frame = reader.next();
            if (frame == null) {
                throw new ConnectionException("The server at " + address + " closed the connection instead of answering.",
                        null);
            }
            answeredBefore = true;
            guard.awaitBinary();
            return frame;
        } catch (GuardedInput.TooSlowException e) {
            close();
            throw new TimeoutException("The server at " + address + " " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            close();
            throw new TimeoutException("The server at " + address + " did not answer within "
                    + limits.replyTimeout().toSeconds() + " s.", e);
        } catch (StepProtocolException e) {
            close();
            if (!answeredBefore) {
                throw new NotStepServerException(address + " does not speak STEP: its first answer is not a STEP frame ("
                        + e.getMessage() + "). Check the host and port.");
            }
            throw new ProtocolViolationException("The server at " + address + " sent a broken frame: " + e.getMessage());
        } catch (IOException e) {
            throw lost("receiving", e);
        }
    }

    /**
     * Before the first reply: a peer that answers with text (an HTTP, SSH, SMTP or FTP server) is not
     * a STEP server. A STEP frame starts with a JSON length, whose high byte is 0 for any sane reply.
     */
    private void checkSpeaksStep() throws IOException, StepException {
        in.mark(16);
        byte[] start = new byte[8];
        int n = 0;
        while (n < start.length) {
            int r = in.read(start, n, start.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        in.reset();
        if (n == 0 || start[0] == 0) {
            return;
        }
        String text = new String(start, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP") || text.startsWith("<")) {
            throw new NotStepServerException(address + " does not speak STEP: it answered with what looks like HTTP. "
                    + "Check the host and port.");
        }
        if (text.startsWith("SSH-")) {
            throw new NotStepServerException(address + " does not speak STEP: it answered with what looks like SSH. "
                    + "Check the host and port.");
        }
        if (start[0] == 0x15 || start[0] == 0x16) {
            throw new NotStepServerException(address + " does not speak STEP: it answered with what looks like TLS. "
                    + "It may take TLS connections only: connect with TLS, or check the host and port.");
        }
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\r' || c == '\n')) {
            throw new NotStepServerException(address + " does not speak STEP: it answered with text (\""
                    + text.strip() + "...\"). Check the host and port.");
        }
    }

    /** Reads the next reply, discarding any binary part. */
    StepMessage receive() throws StepException {
        return receiveFrame().message();
    }

    /** Reads the binary part of the reply just received into {@code buffer}; returns its length. */
    int readPayload(IncomingFrame frame, byte[] buffer) throws StepException {
        long length = frame.binaryLength();
        if (length > buffer.length) {
            close();
            throw new ProtocolViolationException("The server at " + address + " sent a block of " + length
                    + " bytes, more than the " + buffer.length + " planned.");
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
        } catch (GuardedInput.TooSlowException e) {
            close();
            throw new TimeoutException("The server at " + address + " " + e.getMessage(), e);
        } catch (IOException e) {
            throw lost("receiving", e);
        }
    }

    StepMessage call(JsonObject request) throws StepException {
        send(request);
        return receive();
    }

    private ConnectionException lost(String doing, IOException e) {
        close();
        if (stuckWrite) {
            return new TimeoutException("The server at " + address + " took no data for "
                    + limits.replyTimeout().toSeconds() + " s while " + doing + "; the connection was closed.", e);
        }
        return new ConnectionException("The connection to " + address + " failed while " + doing + ": "
                + e.getMessage() + ".", e);
    }

    ServerAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        // The TCP socket, not the TLS one: no close_notify that could block behind a stuck write.
        closeQuietly(raw);
        onClose.accept(this);
    }

    private static void closeStuckWriters() {
        long now = System.nanoTime();
        for (StepConnection c : OPEN) {
            long started = c.writeStarted;
            if (started != 0 && now - started > c.limits.replyTimeout().toNanos()) {
                c.stuckWrite = true;
                c.close();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    /** Marks the time a write began, for the watchdog. */
    private final class WatchedOutput extends FilterOutputStream {
        WatchedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len;) {
                int n = Math.min(WRITE_PIECE, len - done);
                writeStarted = System.nanoTime();
                try {
                    out.write(b, off + done, n);
                } finally {
                    writeStarted = 0;
                }
                done += n;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /**
     * The socket's input with the two limits: while a reply's header and JSON are awaited, a
     * deadline; while a binary part arrives, a minimum average speed over each low-speed period.
     */
    static final class GuardedInput extends InputStream {
        static final class TooSlowException extends SocketTimeoutException {
            private static final long serialVersionUID = 1L;

            TooSlowException(String message) {
                super(message);
            }
        }

        private final Socket socket;
        private final InputStream in;
        private final ConnectionLimits limits;
        private long deadline;
        private boolean binary;
        private long windowStart;
        private long windowBytes;

        GuardedInput(Socket socket, ConnectionLimits limits) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.limits = limits;
        }

        void awaitReply() {
            binary = false;
            deadline = System.nanoTime() + limits.replyTimeout().toNanos();
        }

        void awaitBinary() {
            binary = true;
            windowStart = System.nanoTime();
            windowBytes = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                long now = System.nanoTime();
                long until = binary ? windowStart + limits.lowSpeedTime().toNanos() : deadline;
                long left = until - now;
                if (left <= 0) {
                    expired(now);
                    continue;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
                try {
                    int n = in.read(b, off, len);
                    if (n > 0 && binary) {
                        windowBytes += n;
                        if (System.nanoTime() - windowStart >= limits.lowSpeedTime().toNanos()) {
                            expired(System.nanoTime());
                        }
                    }
                    return n;
                } catch (SocketTimeoutException e) {
                    expired(System.nanoTime());
                }
            }
        }

        /** A period ended: too slow throws; fast enough starts the next period. */
        private void expired(long now) throws SocketTimeoutException {
            if (!binary) {
                if (now >= deadline) {
                    throw new TooSlowException("did not answer within " + limits.replyTimeout().toSeconds() + " s.");
                }
                return;
            }
            long periodNanos = limits.lowSpeedTime().toNanos();
            if (now - windowStart < periodNanos) {
                return;
            }
            double seconds = (now - windowStart) / 1e9;
            if (windowBytes < limits.lowSpeedLimit() * seconds) {
                throw new TooSlowException("sent " + windowBytes + " bytes in " + Math.round(seconds) + " s, under the "
                        + "low-speed limit of " + limits.lowSpeedLimit() + " bytes/s; the connection was closed.");
            }
            windowStart = now;
            windowBytes = 0;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
