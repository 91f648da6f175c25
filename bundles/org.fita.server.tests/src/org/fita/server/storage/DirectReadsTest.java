package org.fita.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole blocks read past the page cache give the same bytes as the page cache, up to the file's end. */
class DirectReadsTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void alignedBlocksReadTheFilesBytesUpToItsEnd() throws IOException {
        // An unaligned tail: the last block ends 1234 bytes into a page.
        byte[] data = new byte[3 * MIB + 1234];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("blob"), data);
        try (FileChannel buffered = FileChannel.open(file, StandardOpenOption.READ)) {
            DirectReads reads = DirectReads.open(file, buffered);
            try {
                ByteBuffer whole = ByteBuffer.allocateDirect(2 * MIB).alignedSlice(BlockBuffers.ALIGNMENT);
                whole.limit(MIB);
                assertTrue(DirectReads.suits(MIB, whole));
                assertEquals(MIB, reads.read(MIB, whole));
                assertBytes(data, MIB, whole.flip());

                // The last block: asked for more than is left, it gets what is left.
                whole.clear().limit(MIB);
                int n = reads.read(3 * MIB, whole);
                assertEquals(1234, n);
                assertBytes(data, 3 * MIB, whole.flip());

                whole.clear().limit(MIB);
                assertEquals(-1, reads.read(data.length, whole), "nothing after the end");
            } finally {
                reads.close();
            }
        }
    }

    @Test
    void onlyAlignedReadsIntoAlignedDirectBuffersGoPastTheCache() {
        ByteBuffer aligned = ByteBuffer.allocateDirect(2 * MIB).alignedSlice(BlockBuffers.ALIGNMENT).limit(MIB);
        assertTrue(DirectReads.suits(0, aligned));
        assertFalse(DirectReads.suits(100, aligned), "unaligned position in the file");
        assertFalse(DirectReads.suits(0, ByteBuffer.allocate(MIB)), "heap buffer");
        assertFalse(DirectReads.suits(0, aligned.duplicate().position(1)), "unaligned address");
        assertFalse(DirectReads.suits(0, aligned.duplicate().limit(DirectReads.MIN_READ - 1)), "too small to gain");
    }

    private static void assertBytes(byte[] expected, int from, ByteBuffer actual) {
        for (int i = 0; i < actual.remaining(); i++) {
            if (expected[from + i] != actual.get(actual.position() + i)) {
                throw new AssertionError("byte " + (from + i) + " differs");
            }
        }
    }
}
