package org.fita.protocol;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes STEP frames with byte-correct lengths. Not thread-safe: one writer per connection, used
 * by one thread at a time.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final byte[] header = new byte[FrameReader.HEADER_BYTES];

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public void write(JsonObject json) throws IOException {
        write(json, null, 0, 0);
    }

    public void write(Frame frame) throws IOException {
        write(frame.json(), frame.payload(), 0, frame.payload().length);
    }

    public void write(JsonObject json, byte[] payload, int offset, int length) throws IOException {
        writeStart(json, length);
        if (length > 0) {
            out.write(payload, offset, length);
        }
    }

    /**
     * Writes the header and the JSON part; the caller then writes exactly {@code binaryLength}
     * bytes to {@link #binaryOut()}.
     */
    public void writeStart(JsonObject json, long binaryLength) throws IOException {
        byte[] text = StepJson.encode(json);
        putUnsigned32(header, 0, text.length);
        putUnsigned32(header, 4, binaryLength);
        out.write(header);
        out.write(text);
    }

    public OutputStream binaryOut() {
        return out;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** The bytes of one frame, as they go on the wire. */
    public static byte[] encode(JsonObject json, byte[] payload) {
        byte[] text = StepJson.encode(json);
        int payloadLength = payload == null ? 0 : payload.length;
        byte[] frame = new byte[FrameReader.HEADER_BYTES + text.length + payloadLength];
        putUnsigned32(frame, 0, text.length);
        putUnsigned32(frame, 4, payloadLength);
        System.arraycopy(text, 0, frame, FrameReader.HEADER_BYTES, text.length);
        if (payloadLength > 0) {
            System.arraycopy(payload, 0, frame, FrameReader.HEADER_BYTES + text.length, payloadLength);
        }
        return frame;
    }

    static void putUnsigned32(byte[] b, int offset, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("A frame part of " + value + " bytes does not fit the 32-bit length field.");
        }
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }
}
