package org.fita.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameTooLargeException;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ConnectionInfo;
import org.fita.server.RequestEvent;
import org.fita.server.storage.BlobStore;
import org.fita.server.tls.TlsEndpoint;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, served on its own (virtual) thread: reads requests in order and answers
 * each in order, so pipelined requests are safe, and reads the next request only once the reply to
 * the last one is written, so whatever a client pipelines waits in its own socket buffers, not in
 * the server. Replies are buffered and flushed when no further request is already waiting, which
 * batches the replies to a pipelined burst into few packets. Every socket write is timed, so the
 * server can close a connection whose client stopped reading ({@link #writingSinceNanos()}).
 */
public final class Connection implements Runnable {
    private static final int IO_BUFFER = 16 * 1024;

    private final Socket socket;
    private final ConnectionInfo info;
    private final RequestHandler handler;
    private final FrameLimits limits;
    private final ConnectionHost host;
    private final Tls tls;
    private final String address;
    private final long openedNanos = System.nanoTime();
    private final ReplyWriter replies;
    private final AtomicBoolean released = new AtomicBoolean();
    /** When the socket write in progress began (System.nanoTime), or 0 when none is. */
    private volatile long writingSince;
    private volatile boolean authenticated;
    /** Why the server closed this connection, if it did; reported instead of the socket error it causes. */
    private volatile String closedBecause;
    /** The TLS layer once the client chose TLS, else null. */
    private volatile SSLSocket secure;
    private volatile boolean handshaking;

    /**
     * TLS on this connection's port: its first byte decides (0x16 is a TLS handshake, anything else
     * plain STEP). {@code loginGraceNanos} bounds the wait for the first byte and the handshake.
     *
     * @param endpoint the server's TLS
     * @param required whether a plain connection gets the 426 refusal and is closed
     */
    public record Tls(TlsEndpoint endpoint, boolean required, long loginGraceNanos) {
    }

    /** What a connection reports to, and asks of, its server. */
    public interface ConnectionHost {
        void requestHandled(RequestEvent event);

        void closed(Connection connection, String reason);

        void failed(ConnectionInfo info, String what, Throwable error);

        /** The connection has logged in: a LOGIN succeeded, or a request carried a valid token. */
        void authenticated(Connection connection);

        /** The TLS handshake finished with this protocol version and cipher suite. */
        default void secured(Connection connection, String protocol, String cipherSuite) {
        }
    }

    public Connection(Socket socket, ConnectionInfo info, RequestHandler handler, BlobStore store, FrameLimits limits,
            ConnectionHost host) {
        this(socket, info, handler, store, limits, host, null);
    }

    /** @param tls the port's TLS, or null for plain STEP only */
    public Connection(Socket socket, ConnectionInfo info, RequestHandler handler, BlobStore store, FrameLimits limits,
            ConnectionHost host, Tls tls) {
        this.tls = tls;
        this.socket = socket;
        this.info = info;
        this.handler = handler;
        this.replies = new ReplyWriter(store);
        this.limits = limits;
        this.host = host;
        this.address = socket.getInetAddress() == null ? null : socket.getInetAddress().getHostAddress();
    }

    public ConnectionInfo info() {
        return info;
    }

    /** The client's IP address as text, or null if unknown. */
    public String address() {
        return address;
    }

    /** When it was accepted, on the System.nanoTime clock. */
    public long openedNanos() {
        return openedNanos;
    }

    /** Marks it logged in; the server calls this once, under its admission lock. */
    public void markAuthenticated() {
        authenticated = true;
    }

    /** Since when (System.nanoTime) the current socket write has been blocked, or 0 if none is under way. */
    public long writingSinceNanos() {
        return writingSince;
    }

    /**
     * True the first time only: the server gives back this connection's slot exactly once, either
     * when it makes room by closing it or when its thread ends.
     */
    public boolean releaseSlot() {
        return released.compareAndSet(false, true);
    }

    /** Closes the socket for {@code reason} (fit to show a person); its thread then ends and reports it. */
    public void close(String reason) {
        closedBecause = reason;
        close();
    }

    /** Closes the socket; the connection's thread then ends. */
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void run() {
        String reason = "closed by the client";
        try (Socket s = socket) {
            InputStream socketIn = s.getInputStream();
            OutputStream socketOut = s.getOutputStream();
            if (tls != null) {
                // Read under the socket's idle timeout and the server's login grace time, as every read is.
                int first = socketIn.read();
                if (first < 0) {
                    return;
                }
                if (first == TlsEndpoint.HANDSHAKE_RECORD) {
                    SSLSocket ssl = handshake(s);
                    socketIn = ssl.getInputStream();
                    socketOut = ssl.getOutputStream();
                } else if (tls.required()) {
                    reason = refusePlain(new FirstByteInput(first, socketIn), socketOut);
                    return;
                } else {
                    socketIn = new FirstByteInput(first, socketIn);
                }
            }
            InputStream in = new LeanStreams.Input(socketIn, IO_BUFFER);
            OutputStream out = new LeanStreams.Output(new TimedOutput(socketOut), IO_BUFFER);
            FrameReader reader = new FrameReader(in, limits);
            FrameWriter writer = new FrameWriter(out);
            while (true) {
                IncomingFrame frame;
                try {
                    frame = reader.next();
                } catch (FrameTooLargeException e) {
                    writer.write(Replies.of(Operation.ERROR, MessageType.ERROR, Status.TOO_LARGE, e.getMessage()
                            + " The connection is closed; send smaller frames.").build());
                    writer.flush();
                    reason = "frame too large: " + e.getMessage();
                    break;
                } catch (MalformedFrameException e) {
                    reason = "malformed frame: " + e.getMessage();
                    break;
                } catch (SocketTimeoutException e) {
                    reason = "idle timeout";
                    break;
                }
                if (frame == null) {
                    break;
                }
                long started = System.nanoTime();
                Reply reply;
                try {
                    reply = handler.answer(frame, address, e -> host.failed(info, "answering " + frame.message(), e));
                } catch (IOException e) {
                    reason = "connection failed inside a request: " + e.getMessage();
                    break;
                }
                if (!authenticated && loggedIn(frame, reply)) {
                    host.authenticated(this);
                }
                long bytesOut = replies.write(writer, reply);
                // A refused UPLOAD leaves its payload unread; drop it so that available() speaks of the next request.
                try {
                    frame.skipRemaining();
                } catch (MalformedFrameException | SocketTimeoutException e) {
                    // The payload never came whole: the replies so far still go out (below the loop), then the close.
                    report(frame, reply, bytesOut, started);
                    reason = "connection failed inside a request: " + e.getMessage();
                    break;
                }
                if (in.available() == 0 || reply.close()) {
                    writer.flush();
                }
                report(frame, reply, bytesOut, started);
                if (reply.close()) {
                    reason = "closed after BYE";
                    break;
                }
            }
            // Replies to pipelined requests before a malformed frame, a timeout or the end may still be buffered.
            writer.flush();
            closeSecure();
        } catch (HandshakeFailed e) {
            reason = e.getMessage();
        } catch (SocketTimeoutException e) {
            reason = "idle timeout";
        } catch (IOException e) {
            reason = "connection failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "server failure: " + e;
            host.failed(info, "serving the connection", e);
        } finally {
            replies.close();
            String because = closedBecause;
            if (because != null && handshaking) {
                because = "TLS handshake not finished: " + because;
            }
            host.closed(this, because != null ? because : reason);
        }
    }

    /** Why a TLS handshake failed, fit for the log; the connection ends. */
    private static final class HandshakeFailed extends IOException {
        private static final long serialVersionUID = 1L;

        HandshakeFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the TLS handshake within what is left of the login grace time (a client that sends 0x16
     * and then nothing, or junk, is dropped), then goes back to the idle timeout.
     */
    private SSLSocket handshake(Socket s) throws IOException {
        long left = tls.loginGraceNanos() - (System.nanoTime() - openedNanos);
        int idle = s.getSoTimeout();
        int millis = (int) Math.max(1, Math.min(left / 1_000_000, idle > 0 ? idle : Integer.MAX_VALUE));
        SSLSocket ssl = tls.endpoint().wrap(s, (byte) TlsEndpoint.HANDSHAKE_RECORD);
        // Stays true if the handshake fails, so that a close by the grace time is reported as what it interrupted.
        handshaking = true;
        try {
            s.setSoTimeout(millis);
            ssl.startHandshake();
            s.setSoTimeout(idle);
        } catch (SocketTimeoutException e) {
            throw new HandshakeFailed("TLS handshake not finished within " + Math.max(1, (millis + 999) / 1000)
                    + " s (the login grace time)", e);
        } catch (IOException e) {
            // JSSE's words, but they may quote what the client sent: escaped like every client text in the log.
            throw new HandshakeFailed("TLS handshake failed: " + org.fita.server.LogText.escape(String.valueOf(e.getMessage())), e);
        }
        handshaking = false;
        secure = ssl;
        javax.net.ssl.SSLSession session = ssl.getSession();
        host.secured(this, session.getProtocol(), session.getCipherSuite());
        return ssl;
    }

    /**
     * A plain client on a port that requires TLS: reads its first request (so that the reply answers
     * it and the close does not reset the connection under the reply), sends one 426 reply saying how
     * to connect, and ends.
     */
    private String refusePlain(InputStream in, OutputStream out) throws IOException {
        try {
            IncomingFrame first = new FrameReader(in, limits).next();
            if (first == null) {
                return "closed by the client";
            }
            first.skipRemaining();
        } catch (MalformedFrameException | FrameTooLargeException e) {
            // Not STEP at all, or too large to read: it still learns why, as far as it reads.
        }
        FrameWriter writer = new FrameWriter(new TimedOutput(out));
        writer.write(Replies.of(Operation.ERROR, MessageType.ERROR, Status.TLS_REQUIRED, tlsRequiredMessage()).build());
        writer.flush();
        return "refused: plain STEP on a port that requires TLS";
    }

    /** What a plain client on a TLS-only port is told: what happened, and how to connect. */
    String tlsRequiredMessage() {
        java.net.InetAddress local = socket.getLocalAddress();
        String hostText = local == null ? "HOST" : local.getHostAddress();
        if (hostText.contains(":")) {
            hostText = "[" + hostText.replaceFirst("%.*$", "") + "]";
        }
        return "This server requires TLS on this port; plain STEP is refused. Connect with TLS: fita --tls ..., or"
                + " the server URL steps://" + hostText + ":" + socket.getLocalPort() + ".";
    }

    /** Says goodbye (close_notify) on a TLS connection that ends normally; timed like every write. */
    private void closeSecure() {
        SSLSocket ssl = secure;
        if (ssl == null) {
            return;
        }
        long now = System.nanoTime();
        writingSince = now == 0 ? 1 : now;
        try {
            ssl.close();
        } catch (IOException ignored) {
            // The client went first; the socket closes anyway.
        } finally {
            writingSince = 0;
        }
    }

    /**
     * Whether this reply shows the client to be logged in: a successful LOGIN, or any other request
     * whose token was accepted (FiTA clients reuse one token on extra connections without a LOGIN).
     * Only LOGIN replies name a user without a valid token.
     */
    private static boolean loggedIn(IncomingFrame frame, Reply reply) {
        if (reply.user() == null) {
            return false;
        }
        boolean login = Operation.LOGIN.wireName().equals(frame.message().operation());
        return !login || reply.json().get(org.fita.protocol.Fields.STATUS).getAsInt() == Status.OK.code();
    }

    /** The socket's output, noting when each write begins and ends so that a stuck write can be seen. */
    private final class TimedOutput extends java.io.FilterOutputStream {
        TimedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            begin();
            try {
                out.write(b);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            begin();
            try {
                out.write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            begin();
            try {
                out.flush();
            } finally {
                writingSince = 0;
            }
        }

        private void begin() {
            long now = System.nanoTime();
            writingSince = now == 0 ? 1 : now;
        }
    }

    /** The socket's input after its first byte was read to tell TLS from plain STEP: that byte, then the rest. */
    private static final class FirstByteInput extends InputStream {
        private final InputStream in;
        private int first;

        FirstByteInput(int first, InputStream in) {
            this.first = first;
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (first >= 0) {
                int b = first;
                first = -1;
                return b;
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (first >= 0) {
                b[off] = (byte) first;
                first = -1;
                int more = Math.min(len - 1, in.available());
                return more > 0 ? 1 + Math.max(0, in.read(b, off + 1, more)) : 1;
            }
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return (first >= 0 ? 1 : 0) + in.available();
        }

        @Override
        public long skip(long n) throws IOException {
            if (n > 0 && first >= 0) {
                first = -1;
                return 1;
            }
            return in.skip(n);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private void report(IncomingFrame frame, Reply reply, long bytesOut, long started) {
        StepMessage m = frame.message();
        StepMessage r = new StepMessage(reply.json());
        host.requestHandled(new RequestEvent(info.id(), info.remote(), reply.user(), m.type(), m.operation(),
                m.key(), r.status(), r.statusMessage(), frame.binaryLength(), bytesOut, System.nanoTime() - started,
                Instant.now()));
    }
}
