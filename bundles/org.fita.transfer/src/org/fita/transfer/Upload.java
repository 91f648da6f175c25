package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.CancelledException;
import org.fita.transfer.StepException.KeyExistsException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.VerificationException;

/**
 * One upload. The file is read once, in order, by this thread, which feeds the MD5 and a bounded
 * queue of blocks; connection lanes take blocks from the queue and send them, pipelined where the
 * server allows. Memory is a fixed number of block buffers, whatever the file's size. The MD5 the
 * server reports on the completing block must equal the local one.
 */
final class Upload {
    private static final int READ_AHEAD_BYTES = 32 << 20;
    private static final int MAX_CRC_RETRIES = 3;

    private final StepSession session;
    private final Transfer transfer;
    private final TransferOptions options;
    private final ExecutorService workers;
    private final Throttle throttle;
    private long modifiedAtStart;
    private final String key;
    private final Path file;

    /** A block for the lanes to send from the file; {@code crc} is its CRC-32C as read, or null when not sent. */
    private record Block(long index, int length, Integer crc) {
    }

    private static final Block END = new Block(-1, 0, null);
    /** In an in-flight entry: the block was sent without a CRC-32C. */
    private static final long NO_CRC = Long.MIN_VALUE;

    Upload(StepSession session, Transfer transfer, TransferOptions options, ExecutorService workers) {
        this.session = session;
        this.transfer = transfer;
        this.options = options;
        this.workers = workers;
        this.throttle = new Throttle(options.bandwidthLimit());
        this.key = transfer.info().key();
        this.file = transfer.info().localPath();
    }

    /** The MD5 of the local file as the last attempt read it, or null; a retry checks the server's copy against it. */
    private String lastLocalMd5;
    private long lastSize = -1;
    /** The block size the first attempt planned with: a retry resumes in the same one. */
    private int plannedBlockSize;

    /** One try; {@code attempt} above 0 is a retry, which resumes what the server holds. */
    TransferResult attempt(int attempt) throws StepException {
        long started = System.nanoTime();
        if (attempt > 0 && lastLocalMd5 != null) {
            // The last try may have completed the file and lost only the reply.
            TransferResult done = completedAlready(lastSize, lastLocalMd5, started);
            if (done != null) {
                return done;
            }
        }
        try {
            return upload(started, attempt > 0);
        } catch (CompletedException e) {
            return e.result;
        }
    }

    /** The result if the server holds this very file under the key, else null. */
    private TransferResult completedAlready(long size, String localMd5, long started) throws StepException {
        RemoteFile remote;
        try {
            remote = session.stat(key);
        } catch (StepException.NotFoundException e) {
            return null;
        }
        if (remote.size() == size && localMd5.equalsIgnoreCase(remote.md5()) && !changedSinceStart(size)) {
            forget(session.journal(), TransferJournal.idOf(TransferInfo.Direction.UPLOAD, session.address(),
                    session.username(), key, file));
            return verified(size, remote.md5(), localMd5, 0, started);
        }
        return null;
    }

    private TransferResult upload(long started, boolean retry) throws StepException {
        Capabilities caps = session.capabilities();
        long size;
        long modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toMillis();
            modifiedAtStart = modified;
        } catch (NoSuchFileException e) {
            throw new LocalFileException("The file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new LocalFileException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size > caps.maxFileSize()) {
            throw new StepException.InvalidRequestException("The file " + file + " is " + size + " bytes; the server accepts at most "
                    + caps.maxFileSize() + ".");
        }
        TransferJournal journal = session.journal();
        String journalId = TransferJournal.idOf(TransferInfo.Direction.UPLOAD, session.address(), session.username(),
                key, file);
        // Resume only the same file: same size and modification time as when the upload began; and
        // with the block size it began with, which the server's held blocks are counted in.
        java.util.Optional<TransferJournal.Entry> earlier = journal == null ? java.util.Optional.empty()
                : journal.find(journalId).filter(e -> e.size() == size && e.modified() == modified);
        boolean resume = earlier.isPresent() || retry && plannedBlockSize > 0;
        int wantedBlock = caps.blockSize(earlier.isPresent() && earlier.get().blockSize() > 0 ? earlier.get().blockSize()
                : retry && plannedBlockSize > 0 ? plannedBlockSize
                : options.blockSize() > 0 ? options.blockSize() : TransferOptions.DEFAULT_BLOCK_SIZE);

        StepMessage plan;
        session.openAhead(Parallelism.initialLanes(options));
        try {
            plan = requestPlan(caps, size, wantedBlock, resume);
        } catch (KeyExistsException e) {
            // This very upload may have completed just before the last run stopped hearing back.
            if (resume) {
                String localMd5 = Md5.ofFile(file);
                RemoteFile remote = session.stat(key);
                if (remote.size() == size && localMd5.equalsIgnoreCase(remote.md5())) {
                    forget(journal, journalId);
                    return verified(size, remote.md5(), localMd5, 0, started);
                }
            }
            throw e;
        }
        int blockSize = Plans.blockSize(plan, session.address());
        long total = Plans.totalBlocks(plan, size, blockSize, session.address());
        BitSet held = Plans.heldBlocks(plan, total, session.address());
        plannedBlockSize = blockSize;
        if (total == 0) {
            String md5 = plan.string(Fields.MD5).orElse("d41d8cd98f00b204e9800998ecf8427e");
            return verified(size, md5, md5ofEmpty(), 0, started);
        }
        if (journal != null) {
            try {
                journal.record(new TransferJournal.Entry(journalId, TransferInfo.Direction.UPLOAD,
                        session.address().toString(), session.username(), key, file.toAbsolutePath().toString(), size,
                        modified, blockSize, System.currentTimeMillis()));
            } catch (IOException e) {
                throw new LocalFileException("Cannot write the transfer journal: " + e.getMessage(), e);
            }
        }
        long heldBytes = 0;
        for (int i = held.nextSetBit(0); i >= 0 && i < total; i = held.nextSetBit(i + 1)) {
            heldBytes += Blocks.length(size, blockSize, i);
        }
        transfer.emit(new TransferEvent.Started(transfer.info(), size, heldBytes));
        ProgressMeter meter = new ProgressMeter(transfer, size, heldBytes);
        Parallelism parallelism = new Parallelism(options, caps, blockSize);

        // The reader stays at most this far ahead of the lanes, so that the blocks they send from the
        // file are still in the page cache.
        BlockingQueue<Block> queue = new ArrayBlockingQueue<>(Math.max(4, Math.min(32, READ_AHEAD_BYTES / blockSize)));
        AtomicReference<String> remoteMd5 = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        LaneGroup lanes = new LaneGroup(workers, parallelism, meter, "The upload of \"" + key + "\"",
                e -> new LocalFileException("Reading " + file + " failed: " + e.getMessage(), e));
        long toSend = total - held.cardinality();
        long queued = 0;
        // A classic server (the reference) may lose a thread when two connections complete the file
        // at once (STEP-PROTOCOL B11): its last block goes only once every other one is acknowledged.
        boolean lastAlone = !caps.isFita();
        lanes.start(() -> runLane(queue, blockSize, size, parallelism, meter, remoteMd5, lanes, acknowledged));

        String localMd5;
        long moved = size - heldBytes;
        boolean crc = caps.has(Extensions.BLOCK_CRC32C);
        // The one buffer the file is read through for its MD5; the lanes send from the file itself.
        byte[] buffer = new byte[(int) Math.min(Math.min(blockSize, Md5.READ_CHUNK), Math.max(1, size))];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest md5 = Md5.create();
            for (long i = 0; i < total; i++) {
                transfer.checkpoint();
                lanes.rethrow();
                int length = Blocks.length(size, blockSize, i);
                boolean send = !held.get((int) i);
                CRC32C blockCrc = crc && send ? new CRC32C() : null;
                for (int done = 0; done < length;) {
                    int n = Math.min(buffer.length, length - done);
                    readFully(channel, buffer, n, i * blockSize + done);
                    md5.update(buffer, 0, n);
                    if (blockCrc != null) {
                        blockCrc.update(buffer, 0, n);
                    }
                    done += n;
                }
                if (send) {
                    if (lastAlone && queued == toSend - 1) {
                        awaitAcknowledged(acknowledged, queued, lanes);
                    }
                    put(queue, new Block(i, length, blockCrc == null ? null : (int) blockCrc.getValue()), lanes);
                    queued++;
                }
                lanes.adapt();
            }
            localMd5 = HexFormat.of().formatHex(md5.digest());
            lastLocalMd5 = localMd5;
            lastSize = size;
            for (int i = 0; i < lanes.size(); i++) {
                put(queue, END, lanes);
            }
            lanes.awaitAll();
        } catch (IOException e) {
            throw lanes.stop(new LocalFileException("Reading " + file + " failed: " + e.getMessage(), e));
        } catch (StepException e) {
            // Cancelled, or a lane failed: make every lane stop, then report the first cause.
            throw afterLostReply(lanes.stop(e), started);
        }
        String serverMd5 = remoteMd5.get();
        if (serverMd5 == null) {
            // The completing reply carries the md5; if this run did not send that block, ask.
            serverMd5 = session.stat(key).md5();
        }
        forget(session.journal(), journalId);
        return verified(size, serverMd5, localMd5, moved, started);
    }

    /**
     * A connection that broke or timed out after every block was sent may have lost only the
     * completing reply: if the server's copy is this file, that is success, not failure.
     */
    private StepException afterLostReply(StepException failure, long started) throws StepException {
        if (failure instanceof StepException.ConnectionException && lastLocalMd5 != null && !transfer.isCancelled()) {
            try {
                TransferResult done = completedAlready(lastSize, lastLocalMd5, started);
                if (done != null) {
                    throw new CompletedException(done);
                }
            } catch (StepException checkFailed) {
                // The check itself failed: report the original failure (a retry checks again).
            }
        }
        return failure;
    }

    /** Carries a result out of the failure path, where a lost reply turned out to be a completed file. */
    static final class CompletedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TransferResult result;

        CompletedException(TransferResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private void awaitAcknowledged(AtomicLong acknowledged, long count, LaneGroup lanes) throws StepException {
        while (acknowledged.get() < count) {
            transfer.checkpoint();
            lanes.rethrow();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("Interrupted.");
            }
        }
    }

    private TransferResult verified(long size, String serverMd5, String localMd5, long moved, long started)
            throws VerificationException {
        if (!localMd5.equalsIgnoreCase(serverMd5) && changedSinceStart(size)) {
            // The lanes send from the file: bytes written to it meanwhile reach the server unhashed.
            throw new VerificationException("The upload of " + file + " as \"" + key + "\" does not verify: the file "
                    + "changed while it was being uploaded (local MD5 " + localMd5 + ", the server's " + serverMd5
                    + "). Upload it again once nothing writes to it.");
        }
        if (!localMd5.equalsIgnoreCase(serverMd5)) {
            throw new VerificationException("The upload of " + file + " as \"" + key + "\" does not verify: the local MD5 is "
                    + localMd5 + " but the server's is " + serverMd5 + ". The server's copy is wrong: delete it and "
                    + "upload again.");
        }
        return new TransferResult(key, file, size, localMd5, moved, Duration.ofNanos(System.nanoTime() - started));
    }

    private boolean changedSinceStart(long size) {
        try {
            return Files.size(file) != size || Files.getLastModifiedTime(file).toMillis() != modifiedAtStart;
        } catch (IOException e) {
            return true;
        }
    }

    private static void forget(TransferJournal journal, String id) {
        if (journal != null) {
            try {
                journal.remove(id);
            } catch (IOException e) {
                // A stale entry only makes a later run compare MD5s with the finished file again.
            }
        }
    }

    private static String md5ofEmpty() {
        return HexFormat.of().formatHex(Md5.create().digest());
    }

    private StepMessage requestPlan(Capabilities caps, long size, int blockSize, boolean resume) throws StepException {
        JsonObject save = Requests.fileSave(session.token(), key, size);
        boolean replace = options.overwrite() && caps.has(Extensions.REPLACE);
        if (caps.isFita()) {
            save.addProperty(Fields.BLOCK_SIZE, blockSize);
            save.addProperty(Fields.RESUME, resume);
            if (replace) {
                // The old file stays until the new one completes and verifies: nothing is deleted.
                save.addProperty(Fields.REPLACE, true);
            }
        }
        try {
            return session.control(save, "Planning the upload of \"" + key + "\"");
        } catch (KeyExistsException e) {
            if (!options.overwrite()) {
                throw new KeyExistsException("\"" + key + "\" already exists on the server.",
                        e.status());
            }
            if (replace) {
                throw e;
            }
            if (!options.deleteFirstAllowed()) {
                throw new StepException.DeleteFirstRequiredException("\"" + key + "\" already exists on the server at "
                        + session.address() + ", which cannot replace a file in one step: overwriting it means deleting"
                        + " the old file first, and if the upload then fails neither version is left. Allow deleting it"
                        + " first, or upload under another key.");
            }
            session.delete(key);
            return session.control(save, "Planning the upload of \"" + key + "\"");
        }
    }

    /** One connection: sends queued blocks, keeping up to the window in flight, and checks each reply. */
    private void runLane(BlockingQueue<Block> queue, int blockSize, long size, Parallelism parallelism,
            ProgressMeter meter, AtomicReference<String> remoteMd5, LaneGroup lanes, AtomicLong acknowledged)
            throws StepException, IOException, InterruptedException {
        ArrayDeque<long[]> inFlight = new ArrayDeque<>();
        int[] retries = new int[1];
        try (StepConnection connection = session.openConnection();
                FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            transfer.closeOnCancel(connection);
            while (true) {
                if (lanes.failed()) {
                    return;
                }
                Block block = queue.poll();
                if (block == null) {
                    // Waiting here for a reply would hold the next block back a round trip: read replies
                    // only as they arrive while the reader is behind, and all of them once it is done.
                    if (!inFlight.isEmpty() && connection.replyWaiting()) {
                        receive(connection, inFlight, parallelism, blockSize, size, meter, remoteMd5, retries, acknowledged);
                        continue;
                    }
                    block = queue.poll(inFlight.isEmpty() ? 100 : 1, TimeUnit.MILLISECONDS);
                    if (block == null) {
                        continue;
                    }
                }
                if (block == END) {
                    break;
                }
                transfer.checkpoint();
                // Room in the transfer's in-flight budget: this lane's own replies free it, else the others'.
                while (!parallelism.tryAcquire()) {
                    if (!inFlight.isEmpty()) {
                        receive(connection, inFlight, parallelism, blockSize, size, meter, remoteMd5, retries, acknowledged);
                    } else if (!parallelism.acquire(100)) {
                        if (lanes.failed()) {
                            return;
                        }
                        transfer.checkpoint();
                    } else {
                        break;
                    }
                }
                throttle.pass(block.length());
                try {
                    connection.sendFromFile(request(block.index(), block.crc()), source, block.index() * blockSize,
                            block.length());
                } catch (StepException | IOException | RuntimeException e) {
                    parallelism.release();
                    throw e;
                }
                inFlight.add(new long[] {block.index(), block.length(), block.crc() == null ? NO_CRC : block.crc()});
                while (inFlight.size() >= parallelism.window()) {
                    receive(connection, inFlight, parallelism, blockSize, size, meter, remoteMd5, retries, acknowledged);
                }
            }
            while (!inFlight.isEmpty()) {
                receive(connection, inFlight, parallelism, blockSize, size, meter, remoteMd5, retries, acknowledged);
            }
        } finally {
            // Whatever is still in flight when the lane ends (it failed) is given back.
            for (int i = 0; i < inFlight.size(); i++) {
                parallelism.release();
            }
        }
    }

    /** The UPLOAD request of a block, with its CRC-32C when the server checks them. */
    private JsonObject request(long index, Integer crc) {
        JsonObject request = Requests.upload(session.token(), key, index);
        if (crc != null) {
            Requests.fita(request).addProperty(Fields.BLOCK_CRC32C, HexFormat.of().toHexDigits(crc));
        }
        return request;
    }

    private static int crc32c(byte[] buffer, int length) {
        CRC32C sum = new CRC32C();
        sum.update(buffer, 0, length);
        return (int) sum.getValue();
    }

    private void receive(StepConnection connection, ArrayDeque<long[]> inFlight, Parallelism parallelism, int blockSize,
            long size, ProgressMeter meter, AtomicReference<String> remoteMd5, int[] retries, AtomicLong acknowledged)
            throws StepException {
        long[] sent = inFlight.peek();
        StepMessage reply = connection.receive();
        inFlight.poll();
        if (reply.isOk()) {
            parallelism.release();
            meter.add(sent[1]);
            reply.string(Fields.MD5).ifPresent(remoteMd5::set);
            acknowledged.incrementAndGet();
            return;
        }
        if (reply.status() == Status.CHECKSUM_MISMATCH.code() && retries[0]++ < MAX_CRC_RETRIES) {
            // Damaged on the way, or the file changed since it was hashed: read the block again to tell.
            byte[] buffer = new byte[(int) sent[1]];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                readFully(channel, buffer, buffer.length, sent[0] * blockSize);
            } catch (IOException e) {
                throw new LocalFileException("Reading " + file + " failed: " + e.getMessage(), e);
            }
            int crcNow = crc32c(buffer, buffer.length);
            if (sent[2] != NO_CRC && crcNow != (int) sent[2]) {
                throw new VerificationException("The upload of " + file + " as \"" + key + "\" stopped: the file "
                        + "changed while it was being uploaded (block " + sent[0] + " differs from what was hashed)."
                        + " Upload it again once nothing writes to it.");
            }
            connection.send(request(sent[0], crcNow), buffer, 0, buffer.length);
            inFlight.add(sent);
            return;
        }
        throw StepException.fromReply(reply, "Uploading block " + sent[0] + " of \"" + key + "\"");
    }

    private static void readFully(FileChannel channel, byte[] buffer, int length, long position) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new IOException("the file became shorter while it was being uploaded");
            }
        }
    }

    private static void put(BlockingQueue<Block> queue, Block block, LaneGroup lanes) throws StepException {
        try {
            while (!queue.offer(block, 100, TimeUnit.MILLISECONDS)) {
                lanes.rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted.");
        }
    }
}
