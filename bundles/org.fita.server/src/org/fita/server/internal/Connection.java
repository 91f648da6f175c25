package org.fita.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * the server. The one exception is a run of inline FILE SAVEs of a logged-in client: up to
 * {@link #MAX_DEFERRED} of them (and 4 MiB) are stored at once, so that their syncs are shared, and
 * answered in order; any other request waits until every one before it is answered. Replies are buffered and flushed when no further request is already waiting, which
 * batches the replies to a pipelined burst into few packets. Every socket write is timed, so the
 * server can close a connection whose client stopped reading ({@link #writingSinceNanos()}).
 */
public final class Connection implements Runnable {
    private static final int IO_BUFFER = 16 * 1024;
    /**
     * Inline FILE SAVEs one connection stores at once at most: a pipelining client's files then wait
     * for the disk together and share its syncs (the group commit), instead of one file per connection.
     */
    static final int MAX_DEFERRED = 16;
    /** Bytes of such requests one connection holds in memory at most. */
    private static final long MAX_DEFERRED_BYTES = 4L << 20;
    /** Bytes of such requests all connections of this JVM hold at most; beyond, requests are answered in turn. */
    private static final Semaphore DEFERRED_BYTES = new Semaphore(64 << 20);
    /** The longest a deferred store may take before the connection gives up on it (the store's own limit is 120 s). */
    private static final long DEFERRED_WAIT_SECONDS = 180;

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
    /** Inline FILE SAVEs being stored, oldest first; only the connection's thread touches these. */
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private final Set<String> deferredKeys = new HashSet<>();
    private long deferredBytes;

    /** A request stored on its own thread while the connection reads on; answered in its turn. */
    private record Deferred(IncomingFrame frame, String key, int bytes, long started, CompletableFuture<Reply> reply) {
    }

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
                // Answer stored requests in order once no further request is waiting, or when the window is full.
                if (!deferred.isEmpty() && (in.available() == 0 || deferred.size() >= MAX_DEFERRED)) {
                    String failed = answerOldest(writer, in);
                    if (failed != null) {
                        reason = failed;
                        break;
                    }
                    continue;
                }
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
                if (defer(frame, started)) {
                    continue;
                }
                // Every other request is answered after all those before it, as if each waited its turn.
                String failed = null;
                while (failed == null && !deferred.isEmpty()) {
                    failed = answerOldest(writer, in);
                }
                if (failed != null) {
                    reason = failed;
                    break;
                }
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
            while (!deferred.isEmpty()) {
                String failed = answerOldest(writer, in);
                if (failed != null) {
                    reason = failed;
                    break;
                }
            }
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
            awaitDeferred();
            replies.close();
            String because = closedBecause;
            if (because != null && handshaking) {
                because = "TLS handshake not finished: " + because;
            }
            host.closed(this, because != null ? because : reason);
        }
    }

    /**
     * Starts storing an inline FILE SAVE on its own thread, its binary part read into memory, if this
     * logged-in connection may hold it; false for every other request, which is then answered in turn.
     * A second save of a key already being stored here waits, so that it sees the first one's outcome.
     */
    private boolean defer(IncomingFrame frame, long started) throws IOException {
        if (!authenticated || deferred.size() >= MAX_DEFERRED) {
            return false;
        }
        String key = handler.deferrableKey(frame);
        long length = frame.binaryLength();
        if (key == null || deferredKeys.contains(key) || deferredBytes + length > MAX_DEFERRED_BYTES
                || !DEFERRED_BYTES.tryAcquire((int) length)) {
            return false;
        }
        int bytes = (int) length;
        byte[] data;
        try {
            data = frame.readBinary();
        } catch (IOException | RuntimeException e) {
            DEFERRED_BYTES.release(bytes);
            throw e;
        }
        IncomingFrame held = IncomingFrame.inMemory(frame.json(), data);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        try {
            Thread.ofVirtual().name("fita-store").start(() -> {
                try {
                    reply.complete(handler.answer(held, address, e -> host.failed(info, "answering " + held.message(), e)));
                } catch (Throwable t) {
                    reply.completeExceptionally(t);
                } finally {
                    DEFERRED_BYTES.release(bytes);
                }
            });
        } catch (RuntimeException e) {
            DEFERRED_BYTES.release(bytes);
            throw e;
        }
        deferred.add(new Deferred(held, key, bytes, started, reply));
        deferredKeys.add(key);
        deferredBytes += bytes;
        return true;
    }

    /**
     * Lets the stores of requests whose replies will not be sent finish before the connection reports
     * its end, so that a stopping server does not close its storage under them.
     */
    private void awaitDeferred() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEFERRED_WAIT_SECONDS);
        for (Deferred d; (d = deferred.poll()) != null;) {
            try {
                d.reply().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Its reply cannot be sent any more; the store itself leaves the file whole or absent.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        deferredKeys.clear();
        deferredBytes = 0;
    }

    /** Waits for the oldest stored request and writes its reply; returns why the connection ends, or null. */
    private String answerOldest(FrameWriter writer, InputStream in) throws IOException {
        Deferred d = deferred.poll();
        deferredKeys.remove(d.key());
        deferredBytes -= d.bytes();
        Reply reply;
        try {
            reply = d.reply().get(DEFERRED_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                return "connection failed inside a request: " + io.getMessage();
            }
            host.failed(info, "answering " + d.frame().message(), cause);
            return "server failure: " + cause;
        } catch (TimeoutException e) {
            return "storing a file took over " + DEFERRED_WAIT_SECONDS + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        long bytesOut = replies.write(writer, reply);
        if (in.available() == 0) {
            writer.flush();
        }
        report(d.frame(), reply, bytesOut, d.started());
        return null;
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
