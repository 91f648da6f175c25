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
    private final String address;
    private final long openedNanos = System.nanoTime();
    private final ReplyWriter replies;
    private final AtomicBoolean released = new AtomicBoolean();
    /** When the socket write in progress began (System.nanoTime), or 0 when none is. */
    private volatile long writingSince;
    private volatile boolean authenticated;
    /** Why the server closed this connection, if it did; reported instead of the socket error it causes. */
    private volatile String closedBecause;

    /** What a connection reports to, and asks of, its server. */
    public interface ConnectionHost {
        void requestHandled(RequestEvent event);

        void closed(Connection connection, String reason);

        void failed(ConnectionInfo info, String what, Throwable error);

        /** The connection has logged in: a LOGIN succeeded, or a request carried a valid token. */
        void authenticated(Connection connection);
    }

    public Connection(Socket socket, ConnectionInfo info, RequestHandler handler, BlobStore store, FrameLimits limits,
            ConnectionHost host) {
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
            InputStream in = new LeanStreams.Input(s.getInputStream(), IO_BUFFER);
            OutputStream out = new LeanStreams.Output(new TimedOutput(s.getOutputStream()), IO_BUFFER);
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
            host.closed(this, because != null ? because : reason);
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

    private void report(IncomingFrame frame, Reply reply, long bytesOut, long started) {
        StepMessage m = frame.message();
        StepMessage r = new StepMessage(reply.json());
        host.requestHandled(new RequestEvent(info.id(), info.remote(), reply.user(), m.type(), m.operation(),
                m.key(), r.status(), r.statusMessage(), frame.binaryLength(), bytesOut, System.nanoTime() - started,
                Instant.now()));
    }
}
