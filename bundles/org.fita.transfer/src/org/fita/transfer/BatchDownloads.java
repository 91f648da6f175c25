package org.fita.transfer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.fita.protocol.BatchOutcome;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.transfer.SmallFiles.Download;
import org.fita.transfer.SmallFiles.Sent;
import org.fita.transfer.StepException.ProtocolViolationException;

/**
 * Small files of a download fetched many at a time with BATCH_GET (extension "batch-get"): one
 * request names up to the server's {@code max_batch_files} files of at most {@code max_batch_bytes}
 * together, with the size and MD5 the listing gave, and its reply carries their bytes one after
 * another. The reply is checked before a byte is written: its binary part no larger than the sizes
 * asked for, an entry for each file asked for in the order asked, sizes as asked and adding up to the
 * binary part; each file's bytes are then checked against its MD5. A reply that breaks these rules
 * ends its connection and hands its files to the normal path; a file not found, changed, or whose
 * bytes do not match goes to the normal path alone. Files are written only to the paths the caller
 * gave for the keys asked for.
 */
final class BatchDownloads {
    /** Batches in flight per connection: one being answered while the client writes the last. */
    static final int DEFAULT_WINDOW = 2;
    /** Fewest files per batch worth a request of its own when there are few files. */
    static final int MIN_FILES_PER_BATCH = 8;

    private BatchDownloads() {
    }

    /** Whether the session's server answers BATCH_GET, within limits this client accepts. */
    static boolean usable(Capabilities caps) {
        return caps.has(Extensions.BATCH_GET) && caps.pipelining() && caps.maxBatchFiles() > 0
                && caps.maxBatchBytes() > 0;
    }

    /** Fetches {@code files} (each of at most the inline limit); what it cannot settle goes back through {@code downloaded}. */
    static void run(StepSession session, List<Download> files, TransferOptions options, BooleanSupplier cancelled,
            DownloadedFiles downloaded) throws StepException {
        Capabilities caps = session.capabilities();
        int connections = options.connections() > 0 ? options.connections() : SmallFiles.DEFAULT_DOWNLOAD_CONNECTIONS;
        int window = options.window() > 0 ? options.window() : DEFAULT_WINDOW;
        // Enough batches to keep every connection's window busy, each as full as the server allows.
        int perBatch = (int) Math.max(1, Math.min(caps.maxBatchFiles(), Math.max(MIN_FILES_PER_BATCH,
                Math.ceilDiv(files.size(), (long) connections * window))));
        List<List<Download>> batches = new ArrayList<>();
        List<Download> current = new ArrayList<>();
        long currentBytes = 0;
        for (Download f : files) {
            if (f.size() > caps.maxBatchBytes()) {
                downloaded.back(f);
                continue;
            }
            if (current.size() == perBatch || currentBytes + f.size() > caps.maxBatchBytes()) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(f);
            currentBytes += f.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        ConcurrentLinkedQueue<List<Download>> notSettled = new ConcurrentLinkedQueue<>();
        new SmallFiles.Batch<>(batches, options, SmallFiles.DEFAULT_DOWNLOAD_CONNECTIONS, DEFAULT_WINDOW, cancelled)
                .run(session, (connection, batch, inFlight) -> {
                    connection.send(request(session.token(), batch));
                    inFlight.add(new Sent<>(batch, System.nanoTime(), bytes(batch), null));
                }, (connection, sent) -> receive(connection, sent, downloaded), notSettled);
        notSettled.forEach(batch -> batch.forEach(downloaded::back));
    }

    static JsonObject request(String token, List<Download> batch) {
        JsonArray asked = new JsonArray();
        for (Download f : batch) {
            JsonObject o = new JsonObject();
            o.addProperty(Fields.KEY, f.key());
            o.addProperty(Fields.SIZE, f.size());
            o.addProperty(Fields.MD5, f.md5().toLowerCase(Locale.ROOT));
            asked.add(o);
        }
        return Requests.batchGet(token, asked);
    }

    private static long bytes(List<Download> batch) {
        return batch.stream().mapToLong(Download::size).sum();
    }

    private static void receive(StepConnection connection, Sent<List<Download>> sent, DownloadedFiles downloaded)
            throws StepException {
        List<Download> batch = sent.item();
        IncomingFrame frame = connection.receiveFrame();
        StepMessage reply = frame.message();
        long coming = frame.binaryLength();
        if (coming > sent.bytes()) {
            // Checked before anything is allocated: the sizes asked for bound the reply.
            throw violation(connection, "sent " + coming + " bytes for a batch of " + sent.bytes() + " bytes asked for");
        }
        byte[] data = new byte[(int) coming];
        connection.readPayload(frame, data);
        if (!reply.isOk()) {
            // A refusal (a stale token, lower limits than announced): the normal path copes, file by file.
            batch.forEach(downloaded::back);
            return;
        }
        BatchOutcome[] outcomes = checkedOutcomes(connection, reply, batch, coming);
        int offset = 0;
        for (int i = 0; i < batch.size(); i++) {
            Download item = batch.get(i);
            if (outcomes[i] != BatchOutcome.OK) {
                downloaded.back(item); // gone or changed since it was listed: the normal path asks again
                continue;
            }
            int length = (int) item.size();
            downloaded.keepIfVerified(item, data, offset, length, sent.sentNanos());
            offset += length;
        }
    }

    /**
     * Each entry's outcome, after checking that the reply has one entry per file asked for, in order,
     * that every "ok" entry has the size and MD5 asked for, and that their sizes make up the binary part.
     */
    private static BatchOutcome[] checkedOutcomes(StepConnection connection, StepMessage reply, List<Download> batch,
            long binaryLength) throws ProtocolViolationException {
        if (!(reply.json().get(Fields.FILES) instanceof JsonArray entries) || entries.size() != batch.size()) {
            throw violation(connection, "answered a batch of " + batch.size() + " files without an entry for each");
        }
        BatchOutcome[] outcomes = new BatchOutcome[batch.size()];
        long okBytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            Download asked = batch.get(i);
            JsonElement e = entries.get(i);
            StepMessage entry = new StepMessage(e instanceof JsonObject o ? o : new JsonObject());
            if (!asked.key().equals(entry.key())) {
                throw violation(connection, "answered for \"" + entry.key() + "\" where \"" + asked.key()
                        + "\" was asked for");
            }
            BatchOutcome outcome = BatchOutcome.ofWire(entry.string(Fields.OUTCOME).orElse("")).orElse(null);
            if (outcome == null) {
                throw violation(connection, "gave \"" + asked.key() + "\" an unknown outcome");
            }
            if (outcome == BatchOutcome.OK) {
                long size = entry.integer(Fields.SIZE).orElse(-1);
                if (size != asked.size() || !asked.md5().equalsIgnoreCase(entry.string(Fields.MD5).orElse(""))) {
                    throw violation(connection, "sent \"" + asked.key() + "\" as " + size + " bytes, not the "
                            + asked.size() + " bytes and MD5 asked for");
                }
                okBytes += size;
            }
            outcomes[i] = outcome;
        }
        if (okBytes != binaryLength) {
            throw violation(connection, "sent " + binaryLength + " bytes for files of " + okBytes + " bytes");
        }
        return outcomes;
    }

    private static ProtocolViolationException violation(StepConnection connection, String what) {
        return new ProtocolViolationException("The server at " + connection.address() + " " + what
                + "; the connection was closed and its files are fetched one by one.");
    }
}
