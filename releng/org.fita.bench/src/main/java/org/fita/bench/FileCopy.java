package org.fita.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * A third baseline: the file copied on the same disk and synced, as a receiver that keeps the
 * bytes durably must at least do. Where the disk writes slower than md5sum reads, this bounds
 * every verified, synced transfer.
 */
final class FileCopy {
    private static final int BUFFER = 1 << 20;

    private FileCopy() {
    }

    /**
     * Writes {@code size} bytes of one random buffer, repeated, to a new file in {@code folder}, syncs
     * it and deletes it; returns the time of the write and sync. What the disk gives a durable writer
     * just now: on a virtual machine it can change several times over from one day to the next.
     */
    static long writeAndSync(Path folder, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        new SplittableRandom().nextBytes(buffer.array());
        Path probe = Files.createTempFile(folder, "disk-probe", ".bin");
        try {
            long start = System.nanoTime();
            try (FileChannel out = FileChannel.open(probe, StandardOpenOption.WRITE)) {
                for (long left = size; left > 0; left -= BUFFER) {
                    buffer.clear().limit((int) Math.min(BUFFER, left));
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                out.force(true);
            }
            return System.nanoTime() - start;
        } finally {
            Files.delete(probe);
        }
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
