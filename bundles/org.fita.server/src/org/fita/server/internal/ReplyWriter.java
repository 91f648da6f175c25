package org.fita.server.internal;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameWriter;
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;

/**
 * Writes replies as frames. A large DOWNLOAD block is read once, whole, into a buffer of
 * {@link WholeBlocks} (4 KiB-aligned and direct, so that the local store can read it past the page
 * cache), its CRC-32C taken from there and its bytes sent from there; when the shared budget is
 * spent, or the block is small, it is read and sent through one chunk buffer (twice when its CRC is
 * asked for). One per connection (it keeps the last downloaded file open); not thread-safe.
 */
final class ReplyWriter implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final BlobStore store;
    /** Made at the first DOWNLOAD: most connections never need one. */
    private byte[] chunk;
    private StoredFile openFile;
    private BlobReader openReader;

    ReplyWriter(BlobStore store) {
        this.store = store;
    }

    /** Writes the reply (not flushed); returns the binary bytes written. */
    long write(FrameWriter writer, Reply reply) throws IOException {
        if (!reply.batch().isEmpty()) {
            return writeBatch(writer, reply);
        }
        Reply.Block block = reply.block();
        if (block == null) {
            writer.write(reply.json());
            return 0;
        }
        BlobReader reader = reader(block.user(), block.file());
        JsonObject json = reply.json();
        ByteBuffer whole = block.length() >= WholeBlocks.MIN_BLOCK ? WholeBlocks.SHARED.takeAligned(block.length()) : null;
        if (whole != null) {
            try {
                return writeWhole(writer, json, reader, block, whole);
            } finally {
                WholeBlocks.SHARED.give(whole);
            }
        }
        if (json.has(Fields.BLOCK_CRC32C)) {
            json.addProperty(Fields.BLOCK_CRC32C, String.format("%08x", crc(reader, block)));
        }
        writer.writeStart(json, block.length());
        OutputStream out = writer.binaryOut();
        forEachChunk(reader, block, (bytes, n) -> out.write(bytes, 0, n));
        return block.length();
    }

    private long writeWhole(FrameWriter writer, JsonObject json, BlobReader reader, Reply.Block block, ByteBuffer whole)
            throws IOException {
        whole.clear().limit(block.length());
        while (whole.hasRemaining()) {
            int n = reader.read(block.offset() + whole.position(), whole);
            if (n < 0) {
                throw new IOException("The stored file \"" + block.file().key() + "\" ended early.");
            }
        }
        whole.flip();
        if (json.has(Fields.BLOCK_CRC32C)) {
            CRC32C crc = new CRC32C();
            crc.update(whole.duplicate());
            json.addProperty(Fields.BLOCK_CRC32C, String.format("%08x", crc.getValue()));
        }
        writer.writeStart(json, block.length());
        OutputStream out = writer.binaryOut();
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
        while (whole.hasRemaining()) {
            int n = Math.min(chunk.length, whole.remaining());
            whole.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
        return block.length();
    }

    /** The files of a BATCH_GET one after another, each read through the chunk buffer. */
    private long writeBatch(FrameWriter writer, Reply reply) throws IOException {
        long total = 0;
        for (Reply.Block b : reply.batch()) {
            total += b.length();
        }
        writer.writeStart(reply.json(), total);
        OutputStream out = writer.binaryOut();
        for (Reply.Block b : reply.batch()) {
            forEachChunk(reader(b.user(), b.file()), b, (bytes, n) -> out.write(bytes, 0, n));
        }
        return total;
    }

    private long crc(BlobReader reader, Reply.Block block) throws IOException {
        CRC32C crc = new CRC32C();
        forEachChunk(reader, block, (bytes, n) -> crc.update(bytes, 0, n));
        return crc.getValue();
    }

    private interface ChunkSink {
        void accept(byte[] bytes, int length) throws IOException;
    }

    /** Reads the block through the chunk buffer, one chunk at a time. */
    private void forEachChunk(BlobReader reader, Reply.Block block, ChunkSink sink) throws IOException {
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
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
            close();
            openReader = store.open(user, file);
            openFile = file;
        }
        return openReader;
    }

    /** Closes the file kept open, if any. */
    @Override
    public void close() {
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
}
