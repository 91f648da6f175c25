package org.fita.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Files of random content, so that nothing on the way can gain from repetition. */
final class RandomFiles {
    private static final int BUFFER = 1 << 20;
    private final SplittableRandom random = new SplittableRandom();

    /** Writes the file and syncs it, so that its write-back does not overlap the measurements. */
    void write(Path file, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long left = size;
            while (left > 0) {
                buffer.clear();
                while (buffer.remaining() >= Long.BYTES) {
                    buffer.putLong(random.nextLong());
                }
                buffer.flip().limit((int) Math.min(left, BUFFER));
                while (buffer.hasRemaining()) {
                    left -= channel.write(buffer);
                }
            }
            channel.force(true);
        }
    }
}
