package org.fita.server.internal;

import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.zip.CRC32C;
import org.fita.protocol.Fields;
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
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;

/**
 * One client connection: reads requests in order and answers each in order, so pipelined requests
 * are safe. Replies are buffered and flushed when no further request is already waiting, which
 * batches the replies to a pipelined burst into few packets.
 */
public final class Connection implements Runnable {
    private static final int IO_BUFFER = 64 * 1024;

    private final Socket socket;
    private final ConnectionInfo info;
    private final RequestHandler handler;
    private final BlobStore store;
    private final FrameLimits limits;
    private final ConnectionHost host;
    private final byte[] chunk = new byte[IO_BUFFER];
    private StoredFile openFile;
    private BlobReader openReader;

    /** What a connection reports to, and asks of, its server. */
    public interface ConnectionHost {
        void requestHandled(RequestEvent event);

        void closed(Connection connection, String reason);

        void failed(ConnectionInfo info, String what, Throwable error);
    }

    public Connection(Socket socket, ConnectionInfo info, RequestHandler handler, BlobStore store, FrameLimits limits,
            ConnectionHost host) {
        this.socket = socket;
        this.info = info;
        this.handler = handler;
        this.store = store;
        this.limits = limits;
        this.host = host;
    }

    public ConnectionInfo info() {
        return info;
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
            InputStream in = new BufferedInputStream(s.getInputStream(), IO_BUFFER);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), IO_BUFFER);
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
                    reply = handler.handle(frame);
                } catch (MalformedFrameException | SocketException | SocketTimeoutException e) {
                    reason = "connection failed inside a request: " + e.getMessage();
                    break;
                } catch (IOException | RuntimeException e) {
                    host.failed(info, "answering " + frame.message(), e);
                    StepMessage m = frame.message();
                    reply = Reply.of(Replies.of(String.valueOf(m.operation()), String.valueOf(m.type()),
                            Status.SERVER_ERROR, "The server failed: " + e.getMessage()
                                    + ". The request may be retried; the server log has details.").build(), null);
                }
                long bytesOut = write(writer, reply);
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
            closeReader();
            host.closed(this, reason);
        }
    }

    private long write(FrameWriter writer, Reply reply) throws IOException {
        Reply.Block block = reply.block();
        if (block == null) {
            writer.write(reply.json());
            return 0;
        }
        BlobReader reader = reader(block.user(), block.file());
        JsonObject json = reply.json();
        if (json.has(Fields.BLOCK_CRC32C)) {
            json.addProperty(Fields.BLOCK_CRC32C, String.format("%08x", crc(reader, block)));
        }
        writer.writeStart(json, block.length());
        OutputStream out = writer.binaryOut();
        forEachChunk(reader, block, (bytes, n) -> out.write(bytes, 0, n));
        return block.length();
    }

    private long crc(BlobReader reader, Reply.Block block) throws IOException {
        CRC32C crc = new CRC32C();
        forEachChunk(reader, block, (bytes, n) -> crc.update(bytes, 0, n));
        return crc.getValue();
    }

    private interface ChunkSink {
        void accept(byte[] bytes, int length) throws IOException;
    }

    /** Reads the block through the connection's chunk buffer, one chunk at a time. */
    private void forEachChunk(BlobReader reader, Reply.Block block, ChunkSink sink) throws IOException {
        long done = 0;
        while (done < block.length()) {
            int n = reader.read(block.offset() + done, ByteBuffer.wrap(chunk, 0,
                    (int) Math.min(chunk.length, block.length() - done)));
            if (n < 0) {
                // The file shrank under us: nothing valid can follow on this connection.
                throw new IOException("The stored file \"" + block.file().key() + "\" ended early.");
            }
            sink.accept(chunk, n);
            done += n;
        }
    }

    /** Keeps the last downloaded file open: clients fetch its blocks one after another. */
    private BlobReader reader(String user, StoredFile file) throws IOException {
        if (openFile != file) {
            closeReader();
            openReader = store.open(user, file);
            openFile = file;
        }
        return openReader;
    }

    private void closeReader() {
        if (openReader != null) {
            try {
                openReader.close();
            } catch (IOException ignored) {
                // A read-only file: nothing to lose.
            }
            openReader = null;
            openFile = null;
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
