package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.Md5Hex;
import org.fita.protocol.Requests;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.VerificationException;

/**
 * Many small files on few connections: each file is one request, many are in flight on each
 * connection (pipelining), and no file pays for a plan, a journal entry or connections of its own.
 * An upload sends the file whole in its FILE SAVE (the inline-upload extension): plan, data and
 * completion in one round trip, acknowledged once the server has it on disk. A download asks for
 * many files in one BATCH_GET ({@link BatchDownloads}) or, from a server without it, for each file
 * as one block; it checks each against the MD5 its listing gave, and writes it through a part
 * file that is synced and renamed; the folders are synced once at the end, before any file is
 * reported.
 * <p>
 * Whatever this path cannot settle goes back to the caller for the normal one-file transfer: files
 * over the inline limit, a classic server, a key that exists (the caller decides about identical
 * content or replacing), a refused token, a reply lost with its connection, a file that changed
 * since it was listed. So a file is never reported twice, and never lost.
 */
public final class SmallFiles {
    /**
     * Connections of an upload when the options leave it open. A server stores one file per
     * connection at a time and each waits for the disk's sync, which syncs waiting together share:
     * the more files stored at once, the fewer syncs per file (docs/small-files.md).
     */
    static final int DEFAULT_UPLOAD_CONNECTIONS = 16;
    /**
     * Files in flight per connection of an upload: a FiTA server stores up to 16 inline files of one
     * connection at once, so that all the files in flight wait for the disk's syncs together.
     */
    static final int DEFAULT_UPLOAD_WINDOW = 16;
    /** Connections of a download: its syncs are local and have their own threads ({@link DownloadedFiles#SYNC_THREADS}). */
    static final int DEFAULT_DOWNLOAD_CONNECTIONS = 4;
    /** Requests in flight per connection when the options leave it open: enough to hide the round trip. */
    static final int DEFAULT_WINDOW = 8;
    /** Bytes of requests or replies in flight per connection at most, whatever the window. */
    static final long MAX_BYTES_IN_FLIGHT = 8L << 20;

    private SmallFiles() {
    }

    /** One local file and its key. */
    public record Upload(String key, Path path) {
    }

    /** One remote file as a listing gave it, and where it goes. */
    public record Download(String key, Path path, long size, String md5) {
    }

    /** Hears of every file this path settles, from the connections' threads (one at a time). */
    public interface Listener {
        void verified(TransferResult result);

        void failed(String key, Path path, StepException e);
    }

    /** Calls {@code listener} from one thread at a time. */
    private static Listener serialized(Listener listener) {
        return new Listener() {
            @Override
            public synchronized void verified(TransferResult result) {
                listener.verified(result);
            }

            @Override
            public synchronized void failed(String key, Path path, StepException e) {
                listener.failed(key, path, e);
            }
        };
    }

    /** The largest file this path sends or fetches from the session's server; 0 if it cannot. */
    static long uploadLimit(Capabilities caps) {
        return caps.has(Extensions.INLINE_UPLOAD) && caps.pipelining()
                ? Math.min(Extensions.MAX_INLINE_BYTES, caps.maxBlockSize()) : 0;
    }

    static long downloadLimit(Capabilities caps) {
        return caps.pipelining() && caps.has(Extensions.BLOCK_SIZE) && caps.has(Extensions.LIST)
                ? Math.min(Extensions.MAX_INLINE_BYTES, caps.maxBlockSize()) : 0;
    }

    /**
     * Uploads the files small enough to go inline; returns, in their order, those left for the normal
     * path. Blocks until every file it took is settled or handed back.
     */
    public static List<Upload> upload(StepSession session, List<Upload> files, TransferOptions options,
            BooleanSupplier cancelled, Listener heard) throws StepException {
        Listener listener = serialized(heard);
        long limit = uploadLimit(session.capabilities());
        List<Upload> small = new ArrayList<>();
        List<Upload> rest = new ArrayList<>();
        for (Upload f : files) {
            long size = sizeOrMinus(f.path());
            (limit > 0 && size > 0 && size <= limit ? small : rest).add(f);
        }
        if (small.isEmpty()) {
            return files;
        }
        ConcurrentLinkedQueue<Upload> back = new ConcurrentLinkedQueue<>();
        Batch<Upload> batch = new Batch<>(small, options, DEFAULT_UPLOAD_CONNECTIONS, DEFAULT_UPLOAD_WINDOW,
                cancelled);
        batch.run(session, (connection, item, inFlight) -> sendUpload(session, connection, item, options, limit,
                inFlight, back, listener), (connection, sent) -> receiveUpload(connection, sent, back, listener),
                back);
        return inOrder(files, rest, back);
    }

    /** The files of {@code rest} and {@code back}, in their order in {@code files}. */
    private static <T> List<T> inOrder(List<T> files, List<T> rest, Collection<T> back) {
        Set<T> left = new HashSet<>(rest);
        left.addAll(back);
        return files.stream().filter(left::contains).toList();
    }

    /**
     * Downloads the listed files small enough to fetch in a batch or as one block; returns, in their order, those
     * left for the normal path (also every file whose target exists, unless {@code options} overwrite).
     */
    public static List<Download> download(StepSession session, List<Download> files, TransferOptions options,
            BooleanSupplier cancelled, Listener heard) throws StepException {
        Listener listener = serialized(heard);
        Capabilities caps = session.capabilities();
        long limit = downloadLimit(caps);
        List<Download> small = new ArrayList<>();
        List<Download> rest = new ArrayList<>();
        for (Download f : files) {
            boolean fits = limit > 0 && f.size() > 0 && f.size() <= limit && Md5Hex.isValid(f.md5())
                    && (options.overwrite() || !Files.exists(f.path(), LinkOption.NOFOLLOW_LINKS));
            (fits ? small : rest).add(f);
        }
        if (small.isEmpty()) {
            return files;
        }
        DownloadedFiles downloaded = new DownloadedFiles(options, listener);
        try {
            if (BatchDownloads.usable(caps)) {
                BatchDownloads.run(session, small, options, cancelled, downloaded);
            } else {
                Batch<Download> batch = new Batch<>(small, options, DEFAULT_DOWNLOAD_CONNECTIONS, DEFAULT_WINDOW,
                        cancelled);
                ConcurrentLinkedQueue<Download> notTaken = new ConcurrentLinkedQueue<>();
                batch.run(session, (connection, item, inFlight) -> {
                    JsonObject request = Requests.download(session.token(), item.key(), 0);
                    Requests.fita(request).addProperty(Fields.BLOCK_SIZE, caps.blockSize((int) Math.max(item.size(),
                            caps.minBlockSize())));
                    connection.send(request);
                    inFlight.add(new Sent<>(item, System.nanoTime(), item.size(), item.md5()));
                }, (connection, sent) -> receiveDownload(connection, sent, downloaded), notTaken);
                notTaken.forEach(downloaded::back);
            }
            // The syncs go out together once the bytes are written.
            downloaded.startSyncs();
        } finally {
            downloaded.finish();
        }
        return inOrder(files, rest, downloaded.handedBack());
    }

    private static long sizeOrMinus(Path path) {
        try {
            return Files.isRegularFile(path) ? Files.size(path) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** A request in flight: the file, when it was sent, its bytes. */
    record Sent<T>(T item, long sentNanos, long bytes, String md5) {
    }

    @FunctionalInterface
    interface Sender<T> {
        void send(StepConnection connection, T item, ArrayDeque<Sent<T>> inFlight) throws StepException;
    }

    @FunctionalInterface
    interface Receiver<T> {
        void receive(StepConnection connection, Sent<T> sent) throws StepException;
    }

    /** The files of one call, shared by its connections: each takes the next file not yet taken. */
    static final class Batch<T> {
        private final List<T> items;
        private final AtomicInteger next = new AtomicInteger();
        private final int connections;
        private final int window;
        private final BooleanSupplier cancelled;

        Batch(List<T> items, TransferOptions options, int defaultConnections, int defaultWindow,
                BooleanSupplier cancelled) {
            this.items = items;
            this.cancelled = cancelled;
            int wanted = options.connections() > 0 ? options.connections() : defaultConnections;
            // A few files do not need several connections: each should carry a window's worth.
            this.window = Math.max(1, options.window() > 0 ? options.window() : defaultWindow);
            this.connections = Math.max(1, Math.min(wanted, (items.size() + window - 1) / window));
        }

        void run(StepSession session, Sender<T> sender, Receiver<T> receiver, ConcurrentLinkedQueue<T> back)
                throws StepException {
            List<Future<?>> lanes = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                try {
                    lanes.add(session.workers().submit(() -> lane(session, sender, receiver, back)));
                } catch (RejectedExecutionException e) {
                    break; // the session is closing: what no lane took goes back below
                }
            }
            for (Future<?> lane : lanes) {
                try {
                    lane.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    lanes.forEach(l -> l.cancel(true));
                    throw new StepException.CancelledException("Interrupted.");
                } catch (ExecutionException e) {
                    // A lane hands its files back before it ends; nothing else to do here.
                }
            }
            // Files no lane took (every connection failed, or the user cancelled) go to the normal path.
            for (int i = next.get(); i < items.size(); i++) {
                back.add(items.get(i));
            }
        }

        private T take() {
            if (cancelled.getAsBoolean()) {
                return null; // what no lane took is handed back once every lane has ended
            }
            int i = next.getAndIncrement();
            return i < items.size() ? items.get(i) : null;
        }

        private void lane(StepSession session, Sender<T> sender, Receiver<T> receiver, ConcurrentLinkedQueue<T> back) {
            ArrayDeque<Sent<T>> inFlight = new ArrayDeque<>();
            StepConnection connection = null;
            try {
                connection = session.openConnection();
                long bytes = 0;
                boolean more = true;
                while (true) {
                    if (more && inFlight.size() < window && bytes < MAX_BYTES_IN_FLIGHT) {
                        T item = take();
                        if (item != null) {
                            sender.send(connection, item, inFlight);
                            bytes = inFlight.stream().mapToLong(Sent::bytes).sum();
                            continue;
                        }
                        more = false;
                    }
                    Sent<T> sent = inFlight.peek();
                    if (sent == null) {
                        return;
                    }
                    receiver.receive(connection, sent);
                    inFlight.poll();
                    bytes -= sent.bytes();
                }
            } catch (StepException | RuntimeException e) {
                // The connection failed (or broke the protocol): replies not heard go back, unsettled.
                for (Sent<T> s : inFlight) {
                    back.add(s.item());
                }
            } finally {
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    private static void sendUpload(StepSession session, StepConnection connection, Upload item,
            TransferOptions options, long limit, ArrayDeque<Sent<Upload>> inFlight, ConcurrentLinkedQueue<Upload> back,
            Listener listener) throws StepException {
        byte[] content;
        try (InputStream in = Files.newInputStream(item.path())) {
            content = in.readNBytes((int) limit + 1);
        } catch (IOException e) {
            listener.failed(item.key(), item.path(), new LocalFileException("Cannot read " + item.path() + ": "
                    + e.getMessage(), e));
            return;
        }
        if (content.length == 0 || content.length > limit) {
            back.add(item); // it changed since it was sized: the normal path copes with any size
            return;
        }
        String md5 = HexFormat.of().formatHex(Md5.create().digest(content));
        JsonObject save = Requests.fita(Requests.fileSave(session.token(), item.key(), content.length));
        save.addProperty(Fields.INLINE, true);
        save.addProperty(Fields.MD5, md5);
        if (options.overwrite() && session.capabilities().has(Extensions.REPLACE)) {
            save.addProperty(Fields.REPLACE, true);
        }
        connection.send(save, content, 0, content.length);
        inFlight.add(new Sent<>(item, System.nanoTime(), content.length, md5));
    }

    private static void receiveUpload(StepConnection connection, Sent<Upload> sent, ConcurrentLinkedQueue<Upload> back,
            Listener listener) throws StepException {
        StepMessage reply = connection.receive();
        String localMd5 = sent.md5();
        Upload item = sent.item();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - sent.sentNanos());
        if (reply.isOk()) {
            String md5 = reply.string(Fields.MD5).orElse("");
            if (localMd5.equalsIgnoreCase(md5)) {
                listener.verified(new TransferResult(item.key(), item.path(), sent.bytes(), localMd5, sent.bytes(),
                        elapsed));
            } else {
                listener.failed(item.key(), item.path(), new VerificationException("The upload of " + item.path()
                        + " as \"" + item.key() + "\" does not verify: the local MD5 is " + localMd5
                        + " but the server's is " + md5 + ". Delete it on the server and upload it again."));
            }
            return;
        }
        int status = reply.status();
        if (status == Status.KEY_EXISTS.code() || status == Status.TOO_LARGE.code()
                || status == Status.TOKEN_REJECTED.code() || status == Status.CHECKSUM_MISMATCH.code()) {
            // Exists: the caller compares or replaces; too large or a stale token: the normal path
            // copes; a mismatch: the file changed while it was read, so it is read again there.
            back.add(item);
            return;
        }
        listener.failed(item.key(), item.path(), StepException.fromReply(reply, "Uploading \"" + item.key() + "\""));
    }

    private static void receiveDownload(StepConnection connection, Sent<Download> sent, DownloadedFiles downloaded)
            throws StepException {
        Download item = sent.item();
        IncomingFrame frame = connection.receiveFrame();
        StepMessage reply = frame.message();
        // Whatever the file's size now, one block of at most the size asked for comes: read it all to stay in step.
        long coming = frame.binaryLength();
        if (coming > Extensions.MAX_INLINE_BYTES) {
            throw new StepException.ProtocolViolationException("The server at " + connection.address() + " sent "
                    + coming + " bytes for \"" + item.key() + "\", more than the one block asked for.");
        }
        byte[] data = new byte[(int) coming];
        int length = connection.readPayload(frame, data);
        if (!reply.isOk() || length != item.size()) {
            downloaded.back(item); // gone, or changed since it was listed: the normal path asks again
            return;
        }
        downloaded.keepIfVerified(item, data, 0, length, sent.sentNanos());
    }
}
