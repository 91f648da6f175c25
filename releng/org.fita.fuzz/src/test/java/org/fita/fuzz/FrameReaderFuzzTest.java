package org.fita.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameTooLargeException;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;

/**
 * Feeds arbitrary bytes to {@link FrameReader} with the limits a server uses. The reader may only
 * return frames or throw its documented exceptions; it never reads or allocates more than the limits
 * allow, never loops without consuming input, and every JSON part it returns survives an encode and
 * decode unchanged (the server writes back what it read).
 */
class FrameReaderFuzzTest {
    /** The limits of a server started with its default configuration (1 MiB JSON, 16 MiB blocks). */
    private static final FrameLimits SERVER_DEFAULT = limitsOf(ServerConfig.builder().root(java.nio.file.Path.of("/nonexistent")).build());
    /** The limits of a small server, as the request fuzz test starts it, so that bounds are hit often. */
    private static final FrameLimits SERVER_SMALL = new FrameLimits(1024, 20480, true);
    /** A strict reader (no recovery of character-counted JSON lengths), as a client uses. */
    private static final FrameLimits STRICT_SMALL = new FrameLimits(1024, 20480, false);

    private static FrameLimits limitsOf(ServerConfig config) {
        // As StepServer builds them for its connections.
        return new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true);
    }

    @FuzzTest
    void readsOnlyFramesOrDocumentedErrors(byte[] input) throws IOException {
        if (input.length == 0) {
            readAll(new byte[0], SERVER_SMALL, 1, 0);
            return;
        }
        // The first byte picks the limits, how the stream hands out bytes and how binary parts are consumed.
        int control = input[0] & 0xFF;
        FrameLimits limits = switch (control & 3) {
            case 0 -> SERVER_DEFAULT;
            case 1 -> STRICT_SMALL;
            default -> SERVER_SMALL;
        };
        int chunk = 1 + ((control >>> 2) & 7) * 3; // 1..22 bytes per read, as a socket may deliver them
        int consume = control >>> 5; // 0..7
        readAll(Arrays.copyOfRange(input, 1, input.length), limits, chunk, consume);
    }

    private static void readAll(byte[] bytes, FrameLimits limits, int chunk, int consume) throws IOException {
        CountingStream in = new CountingStream(new ByteArrayInputStream(bytes), chunk);
        FrameReader reader = new FrameReader(in, limits);
        // Every frame takes at least its 8-byte header, so more frames than this means a loop.
        int maxFrames = bytes.length / FrameReader.HEADER_BYTES + 1;
        // Where the next frame starts: next() first skips whatever is left of the previous binary part.
        long nextStart = 0;
        for (int frames = 0; ; frames++) {
            assertTrue(frames <= maxFrames, "more frames than the input can hold");
            IncomingFrame frame;
            try {
                frame = reader.next();
            } catch (MalformedFrameException | FrameTooLargeException | EOFException expected) {
                return;
            }
            if (frame == null) {
                assertEquals(bytes.length, in.count, "clean end reported before the input ended");
                assertEquals(nextStart, in.count, "the last binary part was not skipped exactly");
                return;
            }
            long headerAndJson = in.count - nextStart;
            assertTrue(headerAndJson <= FrameReader.HEADER_BYTES + (long) limits.maxJsonBytes(),
                    "read " + headerAndJson + " bytes for a header and JSON part limited to " + limits.maxJsonBytes());
            assertTrue(frame.binaryLength() >= 0 && frame.binaryLength() <= limits.maxBinaryBytes(),
                    "binary part of " + frame.binaryLength() + " bytes over the limit " + limits.maxBinaryBytes());
            nextStart += headerAndJson + frame.binaryLength();
            checkJson(frame.json());
            try {
                consumeBinary(frame, consume);
            } catch (MalformedFrameException | EOFException expected) {
                return;
            }
        }
    }

    /** What the server does with a request's JSON: reads fields, and writes values back in replies. */
    private static void checkJson(JsonObject json) throws MalformedFrameException {
        StepMessage m = new StepMessage(json);
        m.operation();
        m.type();
        m.direction();
        m.token();
        m.key();
        m.integer("size");
        m.integer("block_index");
        m.bool("resume");
        m.fitaVersion();
        byte[] encoded = StepJson.encode(json);
        JsonObject again = StepJson.decodeObject(encoded, encoded.length);
        assertEquals(json, again, "JSON changed through encode and decode");
        assertTrue(m.toString().length() >= 2);
    }

    private static void consumeBinary(IncomingFrame frame, int how) throws IOException {
        long length = frame.binaryLength();
        switch (how % 4) {
            case 0 -> { // the server refuses the request and leaves the payload for next() to skip
            }
            case 1 -> {
                byte[] data = frame.readBinary();
                assertEquals(length, data.length, "readBinary returned a different length");
                assertEquals(-1, frame.binary().read(), "binary part readable past its end");
            }
            case 2 -> { // streamed to disk in chunks, as an UPLOAD is
                InputStream binary = frame.binary();
                byte[] buffer = new byte[1 + how * 997];
                long total = 0;
                int n;
                while ((n = binary.read(buffer, 0, buffer.length)) >= 0) {
                    total += n;
                    assertTrue(total <= length, "binary stream gave more than its length");
                }
                assertEquals(length, total, "binary stream ended early without an exception");
            }
            default -> { // partly read, then skipped
                InputStream binary = frame.binary();
                if (length > 0 && binary.read() < 0) {
                    fail("binary part of " + length + " bytes gave nothing");
                }
                frame.skipRemaining();
                assertEquals(-1, binary.read(), "binary part readable after skipRemaining");
            }
        }
    }

    /** Counts the bytes taken from the input and hands out at most {@code chunk} per read. */
    private static final class CountingStream extends InputStream {
        private final InputStream in;
        private final int chunk;
        long count;

        CountingStream(InputStream in, int chunk) {
            this.in = in;
            this.chunk = chunk;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, Math.min(len, chunk));
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
