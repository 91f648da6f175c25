package org.fita.transfer;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.zip.CRC32C;
import org.fita.protocol.Blocks;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.Requests;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.CancelledException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.VerificationException;

/**
 * One download, into {@code NAME.part} beside the target, with the received blocks listed in
 * {@code NAME.part.fita} (a JSON header line, then one index per line), so that an interrupted
 * download continues where it stopped. Lanes fetch blocks in parallel and write them in place; the
 * MD5 is computed as the received prefix grows. Once it equals the server's, the part file is
 * synced and renamed to the target.
 *
 * <p>A lane hands the buffer it received a block into to the hashing thread, which feeds the MD5
 * from memory instead of reading the block back; at most {@link #HASH_AHEAD_BYTES} per download and
 * {@link #HASH_AHEAD_SHARED} for all downloads of this JVM wait so, and a block beyond that is read
 * back from the part file. Large downloads write their aligned bytes with direct I/O, past the page
 * cache, where the file system allows it ({@link DirectIo}).
 */
final class Download {
    /** Received blocks one download keeps in memory for its hasher, at most. */
    static final int HASH_AHEAD_BYTES = 16 << 20;
    /** The same for all downloads of this JVM together, so that several at once stay within the heap. */
    static final long HASH_AHEAD_SHARED = 48L << 20;
    static final java.util.concurrent.atomic.AtomicLong SHARED_IN_USE = new java.util.concurrent.atomic.AtomicLong();
    /** How long a lane waits for its hasher to make room before it leaves the block to be read back. */
    private static final long HAND_OVER_WAIT_NANOS = 2_000_000_000L;
    /** Downloads from this size on write with direct I/O (smaller ones gain little and pay an extra open). */
    static final long DIRECT_MIN_SIZE = 16L << 20;

    private final StepSession session;
    private final Transfer transfer;
    private final TransferOptions options;
    private final ExecutorService workers;
    private final Throttle throttle;
    private Capabilities caps;
    private final String key;
    private final Path target;
    private final Path part;
    private final Path state;

    private final Object lock = new Object();
    private BitSet held;
    private long nextToClaim;
    private long hashedBlocks;
    private FileChannel partChannel;
    private FileChannel stateChannel;
    /** The part file opened for direct I/O, or null when this attempt writes through the page cache. */
    private volatile FileChannel directChannel;
    /** The same channel, kept to be closed after a refused direct write has turned direct I/O off. */
    private FileChannel directToClose;
    /** Received blocks kept in memory for the hasher, by index; guarded by {@link #lock}. */
    private final java.util.Map<Long, byte[]> toHash = new java.util.HashMap<>();
    /** Buffers the hasher is done with, for the lanes to receive into again; guarded by {@link #lock}. */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    /** Bytes of {@link #toHash} counted in {@link #SHARED_IN_USE}; guarded by {@link #lock}. */
    private long sharedHeld;
    private int maxToHash;

    Download(StepSession session, Transfer transfer, TransferOptions options, ExecutorService workers) {
        this.session = session;
        this.transfer = transfer;
        this.options = options;
        this.workers = workers;
        this.throttle = new Throttle(options.bandwidthLimit());
        this.caps = session.capabilities();
        this.key = transfer.info().key();
        this.target = transfer.info().localPath().toAbsolutePath();
        this.part = target.resolveSibling(target.getFileName() + ".part");
        this.state = target.resolveSibling(target.getFileName() + ".part.fita");
    }

    /** One try; a retry continues the part file that earlier tries wrote. */
    TransferResult attempt(int attempt) throws StepException {
        long started = System.nanoTime();
        try {
            return download(started);
        } finally {
            closeQuietly();
            partChannel = null;
            stateChannel = null;
            directChannel = null;
            directToClose = null;
            synchronized (lock) {
                toHash.clear();
                spare.clear();
                SHARED_IN_USE.addAndGet(-sharedHeld);
                sharedHeld = 0;
            }
        }
    }

    /** The block size of an interrupted run of this download (its part is counted in it), else the chosen one. */
    private int requestedBlockSize() {
        int earlier = 0;
        if (Files.exists(state) && Files.exists(part)) {
            try (BufferedReader reader = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
                StepMessage header = new StepMessage(StepJson.parse(String.valueOf(reader.readLine())).getAsJsonObject());
                earlier = (int) header.integer(Fields.BLOCK_SIZE).orElse(0);
            } catch (IOException | RuntimeException e) {
                earlier = 0; // unreadable state: the download starts over
            }
        }
        return caps.blockSize(earlier > 0 ? earlier
                : options.blockSize() > 0 ? options.blockSize() : TransferOptions.DEFAULT_BLOCK_SIZE);
    }

    private TransferResult download(long started) throws StepException {
        caps = session.capabilities();
        synchronized (lock) {
            // A retry starts over from the part file: what earlier tries claimed but never stored is fetched again.
            nextToClaim = 0;
            hashedBlocks = 0;
            toHash.clear();
            spare.clear();
        }
        if (Files.exists(target) && !options.overwrite()) {
            throw new LocalFileException(target + " already exists.", null);
        }
        JsonObject get = Requests.fileGet(session.token(), key);
        if (caps.isFita()) {
            get.addProperty(Fields.BLOCK_SIZE, requestedBlockSize());
        }
        session.openAhead(Parallelism.initialLanes(options));
        StepMessage plan = session.control(get, "Planning the download of \"" + key + "\"");
        long size = Plans.size(plan, session.address());
        int blockSize = Plans.blockSize(plan, session.address());
        long total = Plans.totalBlocks(plan, size, blockSize, session.address());
        String serverMd5 = Plans.md5(plan, session.address());
        TransferJournal journal = session.journal();
        String journalId = TransferJournal.idOf(TransferInfo.Direction.DOWNLOAD, session.address(), session.username(),
                key, target);
        long heldBytes;
        try {
            Files.createDirectories(target.getParent());
            heldBytes = openPart(size, blockSize, serverMd5);
            if (journal != null) {
                journal.record(new TransferJournal.Entry(journalId, TransferInfo.Direction.DOWNLOAD,
                        session.address().toString(), session.username(), key, target.toString(), -1, -1, blockSize,
                        System.currentTimeMillis()));
            }
        } catch (IOException e) {
            throw new LocalFileException("Cannot write beside " + target + ": " + e.getMessage(), e);
        }
        transfer.emit(new TransferEvent.Started(transfer.info(), size, heldBytes));
        ProgressMeter meter = new ProgressMeter(transfer, size, heldBytes);
        Parallelism parallelism = new Parallelism(options, caps, blockSize);
        MessageDigest md5 = Md5.create();
        LaneGroup lanes = new LaneGroup(workers, parallelism, meter, "The download of \"" + key + "\"",
                e -> new LocalFileException("Writing " + part + " failed: " + e.getMessage()
                        + ". Is the disk full? The download continues from here when run again.", e));
        lanes.start(() -> runLane(size, blockSize, total, parallelism, meter, lanes));
        try {
            // This thread hashes the received prefix while the lanes fetch.
            while (true) {
                lanes.rethrow();
                if (transfer.isCancelled()) {
                    throw new CancelledException("The download of \"" + key + "\" was cancelled.");
                }
                if (lanes.allEnded() && !lanes.failed() && !nextHeld(total)) {
                    // Every lane ended while blocks were left unfetched: never wait for them forever.
                    throw new StepException("The download of \"" + key + "\" stopped: its connections ended with "
                            + "blocks left to fetch. Run it again to continue.", -1, null);
                }
                long block;
                byte[] received;
                synchronized (lock) {
                    if (hashedBlocks == total) {
                        break;
                    }
                    if (!held.get((int) hashedBlocks)) {
                        lock.wait(50);
                        block = -1;
                        received = null;
                    } else {
                        block = hashedBlocks;
                        received = toHash.remove(block);
                    }
                }
                if (block >= 0) {
                    if (received != null) {
                        md5.update(received, 0, Blocks.length(size, blockSize, block));
                    } else {
                        hashBlock(md5, block, size, blockSize);
                    }
                    synchronized (lock) {
                        hashedBlocks = block + 1;
                        if (received != null) {
                            SHARED_IN_USE.addAndGet(-received.length);
                            sharedHeld -= received.length;
                            spare.push(received);
                        }
                        lock.notifyAll();
                    }
                }
                lanes.adapt();
            }
            lanes.awaitAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw lanes.stop(new CancelledException("Interrupted."));
        } catch (StepException e) {
            throw lanes.stop(e);
        } catch (IOException e) {
            throw lanes.stop(new LocalFileException("Reading back " + part + " failed: " + e.getMessage(), e));
        }
        String localMd5 = HexFormat.of().formatHex(md5.digest());
        try {
            if (!localMd5.equalsIgnoreCase(serverMd5)) {
                closeQuietly();
                Files.deleteIfExists(part);
                Files.deleteIfExists(state);
                throw new VerificationException("The download of \"" + key + "\" does not verify: the server's MD5 is "
                        + serverMd5 + " but the bytes received have " + localMd5 + ". The partial file was removed; "
                        + "download again.");
            }
            partChannel.force(true);
            closeQuietly();
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The rename is durable once its folder is synced (fsync(2)); the file is reported after this.
            DownloadedFiles.syncFolder(target.toAbsolutePath().getParent());
            Files.deleteIfExists(state);
            if (journal != null) {
                journal.remove(journalId);
            }
        } catch (IOException e) {
            throw new LocalFileException("Cannot finish " + target + ": " + e.getMessage(), e);
        }
        return new TransferResult(key, target, size, localMd5, size - heldBytes,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Opens the part file, keeping what an earlier run of the same download received. */
    private long openPart(long size, int blockSize, String md5) throws IOException, StepException {
        String header = header(size, blockSize, md5);
        BitSet kept = new BitSet();
        if (Files.exists(part) && Files.exists(state) && Files.size(part) == size) {
            try (BufferedReader reader = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
                if (header.equals(reader.readLine() + "\n")) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isEmpty() && line.length() < 19 && line.chars().allMatch(Character::isDigit)) {
                            kept.set(Integer.parseInt(line));
                        }
                    }
                }
            }
        }
        long keptBytes = 0;
        for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
            keptBytes += Blocks.length(size, blockSize, i);
        }
        long free = Files.getFileStore(target.getParent()).getUsableSpace();
        long needed = size - keptBytes;
        if (needed > free) {
            throw new StepException.LocalFileException("Not enough free space for \"" + key + "\": it is " + size
                    + " bytes, " + needed + " of them still to download, but " + target.getParent() + " has " + free
                    + " bytes free. Free some space or download elsewhere.", null);
        }
        if (kept.isEmpty()) {
            try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
                f.setLength(0);
                f.setLength(size);
            }
            Files.writeString(state, header, StandardCharsets.UTF_8);
        }
        held = kept;
        partChannel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE);
        stateChannel = FileChannel.open(state, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        directChannel = DirectIo.ENABLED && size >= DIRECT_MIN_SIZE && blockSize % DirectIo.ALIGNMENT == 0
                ? DirectIo.openForWriting(part) : null;
        directToClose = directChannel;
        maxToHash = Math.max(2, HASH_AHEAD_BYTES / blockSize);
        long bytes = 0;
        for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
            bytes += Blocks.length(size, blockSize, i);
        }
        return bytes;
    }

    private String header(long size, int blockSize, String md5) {
        JsonObject h = new JsonObject();
        h.addProperty("server", session.address().toString());
        h.addProperty("key", key);
        h.addProperty("size", size);
        h.addProperty("block_size", blockSize);
        h.addProperty("md5", md5);
        return StepJson.toText(h) + "\n";
    }

    /** Whether the next block to hash is held (or none is left): once every lane ended, nothing else comes. */
    private boolean nextHeld(long total) {
        synchronized (lock) {
            return hashedBlocks >= total || held.get((int) hashedBlocks);
        }
    }

    /** The next block nobody holds or fetches yet, in order; -1 when none is left. */
    private long claim(long total) {
        synchronized (lock) {
            while (nextToClaim < total && held.get((int) nextToClaim)) {
                nextToClaim++;
            }
            return nextToClaim < total ? nextToClaim++ : -1;
        }
    }

    private void runLane(long size, int blockSize, long total, Parallelism parallelism, ProgressMeter meter,
            LaneGroup lanes) throws StepException, IOException, InterruptedException {
        boolean fita = caps.isFita();
        boolean crc = caps.has(Extensions.BLOCK_CRC32C);
        ArrayDeque<Long> inFlight = new ArrayDeque<>();
        // No larger than the file: a small file's download needs no block-sized buffer.
        byte[] buffer = new byte[(int) Math.max(1, Math.min(blockSize, size))];
        ByteBuffer aligned = null;
        try (StepConnection connection = session.openConnection()) {
            transfer.closeOnCancel(connection);
            boolean claimedAll = false;
            while (!lanes.failed()) {
                while (!claimedAll && inFlight.size() < parallelism.window()) {
                    transfer.checkpoint();
                    // Room in the transfer's in-flight budget; a lane with nothing in flight waits for the others'.
                    if (!parallelism.tryAcquire() && (!inFlight.isEmpty() || !parallelism.acquire(100))) {
                        break;
                    }
                    long index = claim(total);
                    if (index < 0) {
                        parallelism.release();
                        claimedAll = true;
                        break;
                    }
                    JsonObject request = Requests.download(session.token(), key, index);
                    if (fita) {
                        Requests.fita(request).addProperty(Fields.BLOCK_SIZE, blockSize);
                        if (crc) {
                            request.addProperty(Fields.WANT_CRC32C, true);
                        }
                    }
                    connection.send(request);
                    inFlight.add(index);
                }
                if (inFlight.isEmpty()) {
                    if (claimedAll) {
                        return;
                    }
                    continue;
                }
                long index = inFlight.peek();
                IncomingFrame frame = connection.receiveFrame();
                StepMessage reply = frame.message();
                if (!reply.isOk()) {
                    throw StepException.fromReply(reply, "Downloading block " + index + " of \"" + key + "\"");
                }
                int expected = Blocks.length(size, blockSize, index);
                if (frame.binaryLength() != expected
                        || reply.has(Fields.BLOCK_INDEX) && reply.integer(Fields.BLOCK_INDEX).orElse(-1) != index) {
                    connection.close();
                    throw new StepException.ProtocolViolationException("The server sent " + frame.binaryLength()
                            + " bytes as block " + reply.json().get(Fields.BLOCK_INDEX) + " when block " + index + " of \""
                            + key + "\" (" + expected + " bytes) was asked for. The transfer was stopped.");
                }
                int length = connection.readPayload(frame, buffer);
                inFlight.poll();
                parallelism.release();
                if (length != Blocks.length(size, blockSize, index)) {
                    throw new StepException.ProtocolViolationException("The server sent " + length + " bytes for block "
                            + index + " of \"" + key
                            + "\" instead of " + Blocks.length(size, blockSize, index) + ".");
                }
                if (crc && reply.has(Fields.BLOCK_CRC32C)) {
                    CRC32C sum = new CRC32C();
                    sum.update(buffer, 0, length);
                    if (!String.format("%08x", sum.getValue()).equalsIgnoreCase(reply.string(Fields.BLOCK_CRC32C).orElse(""))) {
                        throw new VerificationException("Block " + index + " of \"" + key
                                + "\" arrived damaged (its CRC-32C does not match). Download again to continue.");
                    }
                }
                throttle.pass(length);
                if (directChannel != null && aligned == null) {
                    aligned = DirectIo.buffer(Math.min(blockSize, DirectIo.PIECE));
                }
                buffer = store(index, buffer, length, blockSize, aligned, lanes);
                meter.add(length);
            }
        } finally {
            // Whatever is still in flight when the lane ends (it failed) is given back.
            for (int i = 0; i < inFlight.size(); i++) {
                parallelism.release();
            }
        }
    }

    /**
     * Writes a block in place, then records it as held and wakes the hashing thread. Returns the
     * buffer to receive the next block into: {@code buffer} itself, or another one when this one went
     * to the hasher.
     */
    private byte[] store(long index, byte[] buffer, int length, int blockSize, ByteBuffer aligned, LaneGroup lanes)
            throws IOException, InterruptedException {
        long position = index * blockSize;
        int directBytes = writeDirect(buffer, length, position, aligned);
        ByteBuffer data = ByteBuffer.wrap(buffer, directBytes, length - directBytes);
        while (data.hasRemaining()) {
            partChannel.write(data, position + data.position());
        }
        synchronized (lock) {
            stateChannel.write(ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
            byte[] next = handOver(index, buffer, lanes);
            held.set((int) index);
            lock.notifyAll();
            return next;
        }
    }

    /**
     * Gives the received block to the hasher when there is room (called under {@link #lock}): the
     * block the hasher needs next always goes; another waits a little for room, then is left to be
     * read back. Returns the buffer the lane receives into next.
     */
    private byte[] handOver(long index, byte[] buffer, LaneGroup lanes) throws InterruptedException {
        long deadline = System.nanoTime() + HAND_OVER_WAIT_NANOS;
        while (toHash.size() >= maxToHash && index != hashedBlocks && !lanes.failed() && !transfer.isCancelled()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return buffer;
            }
            lock.wait(Math.max(1, Math.min(50, left / 1_000_000)));
        }
        if (toHash.size() >= maxToHash && index != hashedBlocks) {
            return buffer;
        }
        if (SHARED_IN_USE.addAndGet(buffer.length) > HASH_AHEAD_SHARED && index != hashedBlocks) {
            // Other downloads hold the shared room: this block is hashed from the file.
            SHARED_IN_USE.addAndGet(-buffer.length);
            return buffer;
        }
        sharedHeld += buffer.length;
        toHash.put(index, buffer);
        byte[] next = spare.poll();
        return next != null ? next : new byte[buffer.length];
    }

    /**
     * Writes the block's 4 KiB-aligned bytes with direct I/O through {@code aligned}, piece by piece;
     * returns how many it wrote (0 when this download writes through the page cache). A file system
     * that refuses a direct write turns direct I/O off for the rest of the download.
     */
    private int writeDirect(byte[] buffer, int length, long position, ByteBuffer aligned) throws IOException {
        FileChannel direct = directChannel;
        if (direct == null || aligned == null || position % DirectIo.ALIGNMENT != 0) {
            return 0;
        }
        int directBytes = length - length % DirectIo.ALIGNMENT;
        try {
            for (int done = 0; done < directBytes;) {
                int n = Math.min(aligned.capacity(), directBytes - done);
                aligned.clear();
                aligned.put(buffer, done, n).flip();
                long at = position + done;
                while (aligned.hasRemaining()) {
                    at += direct.write(aligned, at);
                }
                done += n;
            }
            return directBytes;
        } catch (java.nio.channels.ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            // Refused (alignment, or no support after all): the page cache takes this block and the rest.
            directChannel = null;
            return 0;
        }
    }

    private ByteBuffer hashBuffer;

    /** Feeds one held block to the MD5, read back from the part file through one reused buffer. */
    private void hashBlock(MessageDigest md5, long block, long size, int blockSize) throws IOException {
        int length = Blocks.length(size, blockSize, block);
        if (hashBuffer == null) {
            hashBuffer = ByteBuffer.allocate(Math.min(blockSize, Md5.READ_CHUNK));
        }
        ByteBuffer buffer = hashBuffer;
        long position = block * blockSize;
        long end = position + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = partChannel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the part file is shorter than planned");
            }
            md5.update(buffer.array(), 0, n);
            position += n;
        }
    }

    private void closeQuietly() {
        for (FileChannel c : new FileChannel[] {directToClose, partChannel, stateChannel}) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // Closing after the outcome is decided.
                }
            }
        }
    }
}
