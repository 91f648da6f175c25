package org.fita.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The bytes of one unfinished upload, {@code <name>.part}, pre-sized to the file's length. Blocks
 * are written with positional writes, concurrently and outside any lock (a channel is safe for
 * that); a block received whole is written with direct I/O when the upload uses it, past the page
 * cache, or through the page cache otherwise.
 *
 * <p>{@link #lock} guards opening and closing the channels; it is never held during a read or a
 * write, and nothing is called under it that takes another lock. The files open on first use and
 * close once, for good: a write that meets a closed file fails with {@link UploadRestartedException}.
 */
final class PartFile {
    static final int CHUNK = 64 * 1024;
    static final ThreadLocal<byte[]> CHUNKS = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    /**
     * {@code ExtendedOpenOption.DIRECT}, looked up at run time: it lives in the JDK's unsupported
     * module, which an OSGi bundle cannot import; null where the runtime lacks it.
     */
    static final OpenOption DIRECT_OPTION = directOption();

    private static OpenOption directOption() {
        try {
            Class<?> options = Class.forName("com.sun.nio.file.ExtendedOpenOption", false, ClassLoader.getSystemClassLoader());
            for (Object option : options.getEnumConstants()) {
                if (((Enum<?>) option).name().equals("DIRECT")) {
                    return (OpenOption) option;
                }
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            // No direct I/O on this runtime: every upload writes through the page cache.
        }
        return null;
    }

    /** The channels a writer uses: {@code direct} is null when blocks go through the page cache. */
    record Channels(FileChannel data, FileChannel direct) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final String key;
    private final Path path;
    private FileChannel data;
    /** The part file opened for direct I/O, or null when this upload writes through the page cache. */
    private FileChannel direct;
    private boolean closed;
    /** Whether blocks go past the page cache, as far as this upload has found out. */
    private volatile boolean directWanted;

    PartFile(String key, Path path, boolean directWanted) {
        this.key = key;
        this.path = path;
        this.directWanted = directWanted && DIRECT_OPTION != null;
    }

    Path path() {
        return path;
    }

    boolean usesDirectIo() {
        return directWanted;
    }

    /** The open channels, opening them on first use. */
    Channels channels() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new UploadRestartedException(key);
            }
            if (data == null) {
                data = PrivateFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                if (directWanted) {
                    try {
                        direct = FileChannel.open(path, StandardOpenOption.WRITE, DIRECT_OPTION, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException | UnsupportedOperationException notHere) {
                        // A file system without direct I/O (tmpfs, some network mounts): the page cache it is.
                        directWanted = false;
                    }
                }
            }
            return new Channels(data, directWanted ? direct : null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads a whole block into {@code bytes} and checks its CRC; false on a mismatch (nothing is
     * written then). Writes the aligned part with direct I/O when this upload uses it, the rest
     * through the page cache.
     */
    boolean receiveWhole(Channels channels, long position, InputStream in, int length, Integer expectedCrc,
            ByteBuffer bytes) throws IOException {
        byte[] chunk = CHUNKS.get();
        bytes.clear().limit(length);
        while (bytes.hasRemaining()) {
            int n = in.read(chunk, 0, Math.min(chunk.length, bytes.remaining()));
            if (n < 0) {
                throw new IOException("The connection ended inside block data.");
            }
            bytes.put(chunk, 0, n);
        }
        bytes.flip();
        if (expectedCrc != null) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if ((int) crc.getValue() != expectedCrc) {
                return false;
            }
        }
        try {
            int directBytes = 0;
            FileChannel directChannel = directWanted ? channels.direct() : null;
            if (directChannel != null && position % BlockBuffers.ALIGNMENT == 0) {
                directBytes = length - length % BlockBuffers.ALIGNMENT;
                try {
                    writeFully(directChannel, bytes.duplicate().limit(directBytes), position);
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    IOException classified = DiskErrors.classify(e, "writing block data of \"" + key + "\"");
                    if (classified != e) {
                        throw classified;
                    }
                    // The file system refused this direct write (alignment, or no support after all):
                    // this block and the rest of the upload go through the page cache. The channel
                    // stays open until the upload closes, as another writer may still be using it.
                    directWanted = false;
                    directBytes = 0;
                }
            }
            writeFully(channels.data(), bytes.duplicate().position(directBytes), position + directBytes);
        } catch (ClosedChannelException e) {
            throw new UploadRestartedException(key);
        } catch (IOException e) {
            throw DiskErrors.classify(e, "writing block data of \"" + key + "\"");
        }
        return true;
    }

    /** Streams a block to the file through a small chunk; false if its CRC does not match. */
    boolean copyToDisk(Channels channels, long position, InputStream in, int length, Integer expectedCrc)
            throws IOException {
        byte[] chunk = CHUNKS.get();
        CRC32C crc = expectedCrc == null ? null : new CRC32C();
        int done = 0;
        try {
            while (done < length) {
                int n = in.read(chunk, 0, Math.min(chunk.length, length - done));
                if (n < 0) {
                    throw new IOException("The connection ended inside block data.");
                }
                if (crc != null) {
                    crc.update(chunk, 0, n);
                }
                writeFully(channels.data(), ByteBuffer.wrap(chunk, 0, n), position + done);
                done += n;
            }
        } catch (ClosedChannelException e) {
            drain(in, length - done);
            throw new UploadRestartedException(key);
        } catch (IOException e) {
            IOException classified = DiskErrors.classify(e, "writing block data of \"" + key + "\"");
            if (classified != e) {
                drain(in, length - done);
            }
            throw classified;
        }
        return crc == null || (int) crc.getValue() == expectedCrc;
    }

    /** Feeds {@code md5} with {@code length} bytes read back from {@code position}. */
    void readInto(MessageDigest md5, FileChannel channel, long position, int length) throws IOException {
        byte[] chunk = CHUNKS.get();
        int done = 0;
        while (done < length) {
            int n = channel.read(ByteBuffer.wrap(chunk, 0, Math.min(chunk.length, length - done)), position + done);
            if (n < 0) {
                throw new IOException("The part file of \"" + key + "\" is shorter than its plan.");
            }
            md5.update(chunk, 0, n);
            done += n;
        }
    }

    /** Makes every written byte durable and closes the file, for publication. */
    void syncAndClose() throws IOException {
        FileChannel channel;
        lock.lock();
        try {
            if (closed || data == null) {
                throw new UploadRestartedException(key);
            }
            channel = data;
        } finally {
            lock.unlock();
        }
        try {
            channel.force(true);
        } catch (ClosedChannelException e) {
            throw new UploadRestartedException(key);
        }
        close();
    }

    /** Closes the file for good; writers still using it fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (direct != null) {
                try {
                    direct.close();
                } catch (IOException ignored) {
                    // Only writes that already returned went through it; the data channel's sync covers them.
                }
                direct = null;
            }
            if (data != null) {
                try {
                    data.close();
                } catch (IOException ignored) {
                    // Closing after the bytes were synced or the upload given up: nothing left to protect.
                }
                data = null;
            }
        } finally {
            lock.unlock();
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    static void drain(InputStream in, int length) throws IOException {
        byte[] chunk = CHUNKS.get();
        int left = length;
        while (left > 0) {
            int n = in.read(chunk, 0, Math.min(chunk.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }
}
