package org.fita.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whole blocks of a large stored file read with direct I/O, past the page cache. Large uploads are
 * written that way ({@link PartFile}), so their pages are not cached; reading them back through the
 * page cache costs a virtual machine as much system time as writing them through it did (2.3 s per
 * GiB measured here, against 0.1 s with direct I/O), and the first such read of a block was followed
 * by a second for the bytes that are sent.
 *
 * <p>Used for reads into a 4 KiB-aligned direct buffer at an aligned position, of at least
 * {@link #MIN_READ} bytes; the bytes after the last aligned boundary come through the page cache. A
 * file system that refuses direct reads turns them off for this reader.
 */
final class DirectReads {
    /** The smallest stored file read this way: the same threshold as direct writes of uploads. */
    static final long MIN_FILE_SIZE = 16L << 20;
    static final int MIN_READ = 256 << 10;

    private final FileChannel buffered;
    private FileChannel direct;

    private DirectReads(FileChannel buffered, FileChannel direct) {
        this.buffered = buffered;
        this.direct = direct;
    }

    static DirectReads open(Path file, FileChannel buffered) {
        FileChannel direct;
        try {
            direct = FileChannel.open(file, StandardOpenOption.READ, PartFile.DIRECT_OPTION, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            direct = null; // no direct I/O here: every read goes through the page cache
        }
        return new DirectReads(buffered, direct);
    }

    /** Whether a read of {@code dst} from {@code offset} can go past the page cache. */
    static boolean suits(long offset, ByteBuffer dst) {
        return dst.isDirect() && offset % BlockBuffers.ALIGNMENT == 0 && dst.remaining() >= MIN_READ
                && dst.alignmentOffset(dst.position(), BlockBuffers.ALIGNMENT) == 0;
    }

    /** Reads up to {@code dst.remaining()} bytes from {@code offset}; -1 at the end of the file. */
    int read(long offset, ByteBuffer dst) throws IOException {
        int wanted = dst.remaining();
        int aligned = wanted - wanted % BlockBuffers.ALIGNMENT;
        int done = 0;
        if (direct != null) {
            ByteBuffer part = dst.duplicate().limit(dst.position() + aligned);
            try {
                while (part.hasRemaining()) {
                    int n = direct.read(part, offset + done);
                    if (n <= 0) {
                        break;
                    }
                    done += n;
                    if (done % BlockBuffers.ALIGNMENT != 0) {
                        break; // the end of the file: a direct read stops short there
                    }
                }
            } catch (IOException e) {
                // Refused (alignment, or no support after all): the page cache takes this read and the rest.
                close();
                done = 0;
            }
            dst.position(dst.position() + done);
            if (done < aligned && done % BlockBuffers.ALIGNMENT != 0) {
                return done; // the file ended inside the aligned part
            }
        }
        int rest = readFully(buffered, offset + done, dst);
        if (rest < 0) {
            return done == 0 ? -1 : done;
        }
        return done + rest;
    }

    /** Positional reads until {@code dst} is full or the file ends; -1 if it ended before the first byte. */
    static int readFully(FileChannel channel, long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset + total);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }

    void close() {
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException ignored) {
                // Read-only: nothing to lose.
            }
            direct = null;
        }
    }
}
