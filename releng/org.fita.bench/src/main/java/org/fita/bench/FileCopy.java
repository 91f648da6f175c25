package org.fita.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A third baseline: the file copied on the same disk and synced, as a receiver that keeps the
 * bytes durably must at least do. Where the disk writes slower than md5sum reads, this bounds
 * every verified, synced transfer.
 */
final class FileCopy {
    private static final int BUFFER = 1 << 20;

    private FileCopy() {
    }

    static long once(Path source, Path target) throws IOException {
        long start = System.nanoTime();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            while (in.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
        long nanos = System.nanoTime() - start;
        Files.delete(target);
        return nanos;
    }
}
