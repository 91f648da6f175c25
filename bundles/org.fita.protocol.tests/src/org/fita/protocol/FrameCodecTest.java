package org.fita.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final FrameLimits SMALL = new FrameLimits(1024, 4096, false);

    private static byte[] header(long n, long m) {
        return ByteBuffer.allocate(8).putInt((int) n).putInt((int) m).array();
    }

    /** A stream that fails the test if more than {@code allowed} bytes are read from it. */
    private static InputStream readingAtMost(byte[] data, int allowed) {
        return new ByteArrayInputStream(data) {
            private int read;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                read += Math.max(0, n);
                assertTrue(read <= allowed, "read past the header");
                return n;
            }
        };
    }

    @Test
    void oversizedPartsAreTypedErrorsRaisedAfterTheHeaderAlone() {
        FrameTooLargeException json = assertThrows(FrameTooLargeException.class,
                () -> new FrameReader(readingAtMost(header(0xFFFF_FFFFL, 0), 8), SMALL).next());
        assertEquals(FrameTooLargeException.Part.JSON, json.part());
        assertEquals(0xFFFF_FFFFL, json.declared());
        assertEquals(1024, json.limit());
        FrameTooLargeException binary = assertThrows(FrameTooLargeException.class,
                () -> new FrameReader(readingAtMost(header(2, 4097), 8), SMALL).next());
        assertEquals(FrameTooLargeException.Part.BINARY, binary.part());
    }

    @Test
    void lengthsAreBytesInBothDirections() throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("key", "数据1 é 🔑");
        byte[] wire = FrameWriter.encode(o, new byte[] {1, 2, 3});
        long n = FrameReader.readUnsigned32(wire, 0);
        assertEquals(wire.length - 8 - 3, n);
        assertEquals("{\"key\": \"\\u6570\\u636e1 \\u00e9 \\ud83d\\udd11\"}", new String(wire, 8, (int) n, StandardCharsets.US_ASCII));
        Frame back = new FrameReader(new ByteArrayInputStream(wire), SMALL).next().toFrame();
        assertEquals("数据1 é 🔑", back.json().get("key").getAsString());
        assertArrayEquals(new byte[] {1, 2, 3}, back.payload());

        byte[] rawUtf8 = "{\"k\": \"é\"}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(header(rawUtf8.length, 0));
        in.writeBytes(rawUtf8);
        assertEquals("é", new FrameReader(new ByteArrayInputStream(in.toByteArray()), SMALL).next().json().get("k").getAsString());
    }

    @Test
    void unreadBinaryIsSkippedAndFramesFollowEachOther() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            JsonObject o = new JsonObject();
            o.addProperty("i", i);
            wire.writeBytes(FrameWriter.encode(o, new byte[1000 * i]));
        }
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), SMALL);
        for (int i = 0; i < 3; i++) {
            FrameReader.IncomingFrame f = reader.next();
            assertEquals(i, f.json().get("i").getAsInt());
            assertEquals(1000L * i, f.binaryLength());
        }
        assertNull(reader.next(), "clean end of stream");
    }

    @Test
    void truncatedAndMalformedFramesAreTypedErrors() {
        assertThrows(MalformedFrameException.class,
                () -> new FrameReader(new ByteArrayInputStream(new byte[] {0, 0, 0}), SMALL).next());
        byte[] shortJson = ByteBuffer.allocate(10).putInt(10).putInt(0).put((byte) '{').put((byte) '}').array();
        assertThrows(MalformedFrameException.class, () -> new FrameReader(new ByteArrayInputStream(shortJson), SMALL).next());
        for (String bad : new String[] {"[]", "1", "\"s\"", "null", "{a: 1}", "{\"a\": 1} x", "", "{\"a\": NaN}"}) {
            byte[] body = bad.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes(header(body.length, 0));
            wire.writeBytes(body);
            assertThrows(MalformedFrameException.class,
                    () -> new FrameReader(new ByteArrayInputStream(wire.toByteArray()), SMALL).next(), bad);
        }
    }

    @Test
    void characterCountedJsonIsRecoveredOnlyWhenAllowed() throws IOException {
        String json = "{\"key\": \"数据🔑\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        int characters = json.codePointCount(0, json.length());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(header(characters, 2));
        wire.writeBytes(body);
        wire.writeBytes(new byte[] {7, 8});
        FrameLimits lenient = new FrameLimits(1024, 4096, true);
        FrameReader.IncomingFrame f = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), lenient).next();
        assertEquals("数据🔑", f.json().get("key").getAsString());
        assertArrayEquals(new byte[] {7, 8}, f.readBinary());
        assertThrows(MalformedFrameException.class,
                () -> new FrameReader(new ByteArrayInputStream(wire.toByteArray()), SMALL).next());
    }

    @Test
    void integersAreOnlyJsonIntegers() {
        JsonObject o = (JsonObject) com.google.gson.JsonParser.parseString(
                "{\"a\": 5, \"b\": 1.0, \"c\": \"5\", \"d\": true, \"e\": -0, \"f\": 1e3, \"g\": 99999999999999999999}");
        StepMessage m = new StepMessage(o);
        assertEquals(5, m.integer("a").orElseThrow());
        assertFalse(m.integer("b").isPresent());
        assertFalse(m.integer("c").isPresent());
        assertFalse(m.integer("d").isPresent());
        assertEquals(0, m.integer("e").orElseThrow());
        assertFalse(m.integer("f").isPresent());
        assertFalse(m.integer("g").isPresent());
        assertFalse(m.integer("missing").isPresent());
    }

    @Test
    void keyAndUsernameRules() {
        for (String ok : new String[] {"a", "dir/sub/file.txt", "数据1", "a..b", ".hidden", "x.log", "é".repeat(512)}) {
            assertTrue(Names.keyProblem(ok).isEmpty(), ok);
        }
        for (String bad : new String[] {"", "/abs", "a//b", "a/", "..", "a/../b", "./a", "nul\u0000", "\u0085next",
            "\ud800lone", "é".repeat(513)}) {
            assertTrue(Names.keyProblem(bad).isPresent(), bad);
        }
        assertTrue(Names.usernameProblem("a/b").isPresent());
        assertTrue(Names.usernameProblem("x".repeat(129)).isPresent());
        assertTrue(Names.usernameProblem("2254001").isEmpty());
        assertTrue(Names.usernameProblem("a.b").isEmpty());
    }

    @Test
    void blockArithmetic() {
        assertEquals(0, Blocks.totalBlocks(0, 20480));
        assertEquals(1, Blocks.totalBlocks(1, 20480));
        assertEquals(1, Blocks.totalBlocks(20480, 20480));
        assertEquals(2, Blocks.totalBlocks(20481, 20480));
        assertEquals(9040, Blocks.length(50000, 20480, 2));
        assertEquals(20480, Blocks.length(50000, 20480, 0));
        assertEquals(0, Blocks.length(50000, 20480, 3));
    }
}
