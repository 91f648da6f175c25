package org.fita.protocol;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads STEP frames from a byte stream, one at a time, with bounded memory.
 *
 * <p>{@link #next()} reads the header and the JSON part; the binary part stays in the stream
 * until the caller consumes it from {@link IncomingFrame#binary()}, so a large block can go
 * straight to disk. Whatever the caller leaves unread is skipped by the following {@code next()}.
 */
public final class FrameReader {
    /** Size of the fixed header: two unsigned 32-bit big-endian lengths. */
    public static final int HEADER_BYTES = 8;

    private final InputStream in;
    private final FrameLimits limits;
    private final byte[] header = new byte[HEADER_BYTES];
    private IncomingFrame current;

    public FrameReader(InputStream in, FrameLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    /**
     * Reads the next frame's header and JSON part.
     *
     * @return the frame, or {@code null} if the stream ended cleanly before a new frame began
     * @throws FrameTooLargeException if a part is over its limit (nothing large was allocated)
     * @throws MalformedFrameException if the JSON part is not a UTF-8 JSON object, or the stream
     *         ended inside the frame
     */
    public IncomingFrame next() throws IOException {
        if (current != null) {
            current.skipRemaining();
            current = null;
        }
        int got = readUpTo(header, 0, HEADER_BYTES);
        if (got == 0) {
            return null;
        }
        if (got < HEADER_BYTES) {
            throw new MalformedFrameException("The stream ended inside a frame header (" + got + " of 8 bytes).");
        }
        long jsonLength = readUnsigned32(header, 0);
        long binaryLength = readUnsigned32(header, 4);
        if (jsonLength > limits.maxJsonBytes()) {
            throw new FrameTooLargeException(FrameTooLargeException.Part.JSON, jsonLength, limits.maxJsonBytes());
        }
        if (binaryLength > limits.maxBinaryBytes()) {
            throw new FrameTooLargeException(FrameTooLargeException.Part.BINARY, binaryLength, limits.maxBinaryBytes());
        }
        JsonObject json = readJson((int) jsonLength);
        current = new IncomingFrame(json, new BoundedInputStream(in, binaryLength));
        return current;
    }

    private JsonObject readJson(int length) throws IOException {
        byte[] bytes = new byte[length];
        readFully(bytes, 0, length, "JSON part");
        try {
            return StepJson.decodeObject(bytes, length);
        } catch (MalformedFrameException strictFailure) {
            if (!limits.acceptCharacterCountedJson() || !hasNonAscii(bytes, length)) {
                throw strictFailure;
            }
            return readCharacterCountedJson(bytes, length, strictFailure);
        }
    }

    /**
     * Recovers a frame whose length field counted characters (code points) instead of bytes: reads
     * on until the JSON holds {@code characters} code points, then parses strictly again.
     */
    private JsonObject readCharacterCountedJson(byte[] start, int characters, MalformedFrameException strictFailure)
            throws IOException {
        int maxBytes = (int) Math.min((long) characters * 4, limits.maxJsonBytes());
        byte[] bytes = java.util.Arrays.copyOf(start, maxBytes);
        int length = characters;
        int codePoints = 0;
        for (int i = 0; i < length; i++) {
            if (!isContinuation(bytes[i])) {
                codePoints++;
            }
        }
        int pendingContinuations = 0;
        while (codePoints < characters || pendingContinuations > 0) {
            if (length == maxBytes) {
                throw strictFailure;
            }
            int b = in.read();
            if (b < 0) {
                throw new MalformedFrameException("The stream ended inside a frame's JSON part.");
            }
            bytes[length++] = (byte) b;
            if (isContinuation((byte) b)) {
                pendingContinuations = Math.max(0, pendingContinuations - 1);
            } else {
                codePoints++;
                pendingContinuations = continuationsAfter(b);
            }
        }
        // The last code point counted may have been completed before the loop began.
        return StepJson.decodeObject(bytes, length);
    }

    private static boolean hasNonAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int continuationsAfter(int lead) {
        if (lead >= 0xF0) {
            return 3;
        }
        if (lead >= 0xE0) {
            return 2;
        }
        return lead >= 0xC0 ? 1 : 0;
    }

    private void readFully(byte[] buffer, int offset, int length, String what) throws IOException {
        int got = readUpTo(buffer, offset, length);
        if (got < length) {
            throw new MalformedFrameException("The stream ended inside a frame's " + what
                    + " (" + got + " of " + length + " bytes).");
        }
    }

    private int readUpTo(byte[] buffer, int offset, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(buffer, offset + total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    static long readUnsigned32(byte[] b, int offset) {
        return ((b[offset] & 0xFFL) << 24) | ((b[offset + 1] & 0xFFL) << 16)
                | ((b[offset + 2] & 0xFFL) << 8) | (b[offset + 3] & 0xFFL);
    }

    /** One frame whose binary part is still in the stream. */
    public static final class IncomingFrame {
        private final JsonObject json;
        private final BoundedInputStream binary;

        IncomingFrame(JsonObject json, BoundedInputStream binary) {
            this.json = json;
            this.binary = binary;
        }

        /** A frame whose binary part was already read into memory, to be answered away from its stream. */
        public static IncomingFrame inMemory(JsonObject json, byte[] binary) {
            return new IncomingFrame(json, new BoundedInputStream(new java.io.ByteArrayInputStream(binary),
                    binary.length));
        }

        public JsonObject json() {
            return json;
        }

        public StepMessage message() {
            return new StepMessage(json);
        }

        /** Length of the binary part announced by the header. */
        public long binaryLength() {
            return binary.length;
        }

        /** The binary part; reading past its end returns -1. */
        public InputStream binary() {
            return binary;
        }

        /** Reads the whole binary part into memory (its size was already checked against the limit). */
        public byte[] readBinary() throws IOException {
            byte[] data = new byte[(int) binary.remaining()];
            int off = 0;
            while (off < data.length) {
                int n = binary.read(data, off, data.length - off);
                if (n < 0) {
                    throw new MalformedFrameException("The stream ended inside a frame's binary part.");
                }
                off += n;
            }
            return data;
        }

        /** Discards what is left of the binary part. */
        public void skipRemaining() throws IOException {
            byte[] scratch = null;
            while (binary.remaining() > 0) {
                if (scratch == null) {
                    scratch = new byte[(int) Math.min(64 * 1024, binary.remaining())];
                }
                if (binary.read(scratch, 0, (int) Math.min(scratch.length, binary.remaining())) < 0) {
                    throw new MalformedFrameException("The stream ended inside a frame's binary part.");
                }
            }
        }

        /** Converts to an in-memory frame, reading the binary part. */
        public Frame toFrame() throws IOException {
            return new Frame(json, readBinary());
        }
    }

    /** A view of the next {@code length} bytes of a stream. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private final long length;
        private long consumed;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.length = length;
        }

        long remaining() {
            return length - consumed;
        }

        @Override
        public int read() throws IOException {
            if (consumed >= length) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new MalformedFrameException("The stream ended inside a frame's binary part.");
            }
            consumed++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long left = length - consumed;
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new MalformedFrameException("The stream ended inside a frame's binary part ("
                        + consumed + " of " + length + " bytes).");
            }
            consumed += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), length - consumed);
        }
    }
}
