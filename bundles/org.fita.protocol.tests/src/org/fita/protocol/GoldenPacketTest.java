package org.fita.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The packets of STEP-PROTOCOL section 12 decode as expected and encode to the same bytes. */
class GoldenPacketTest {

    private static Frame decodeOnly(byte[] bytes) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), FrameLimits.CLIENT_DEFAULT);
        Frame frame = reader.next().toFrame();
        assertNull(reader.next(), "nothing may follow the frame");
        return frame;
    }

    @Test
    void loginRequestDecodesAndReencodesByteForByte() throws IOException {
        Frame frame = decodeOnly(GoldenPackets.LOGIN_REQUEST);
        StepMessage m = frame.message();
        assertEquals("LOGIN", m.operation());
        assertEquals("AUTH", m.type());
        assertEquals("REQUEST", m.direction());
        assertEquals("2254001", m.string(Fields.USERNAME).orElseThrow());
        assertEquals("0fad7aae93eb58a6cda4c7d10023adc6", m.string(Fields.PASSWORD).orElseThrow());
        assertArrayEquals(GoldenPackets.LOGIN_REQUEST,
                FrameWriter.encode(Requests.login("2254001", "0fad7aae93eb58a6cda4c7d10023adc6"), null));
    }

    @Test
    void loginResponseDecodesAndReencodesByteForByte() throws IOException {
        Frame frame = decodeOnly(GoldenPackets.LOGIN_RESPONSE);
        StepMessage m = frame.message();
        assertEquals(200, m.status());
        assertEquals("Login successfully", m.statusMessage());
        assertEquals(GoldenPackets.TOKEN_2254001, m.token());
        JsonObject built = Replies.of(Operation.LOGIN, MessageType.AUTH, Status.OK, "Login successfully")
                .with(Fields.TOKEN, GoldenPackets.TOKEN_2254001).build();
        assertArrayEquals(GoldenPackets.LOGIN_RESPONSE, FrameWriter.encode(built, null));
    }

    @Test
    void fileSaveRequestDecodesAndReencodesByteForByte() throws IOException {
        StepMessage m = decodeOnly(GoldenPackets.FILE_SAVE_REQUEST).message();
        assertEquals("SAVE", m.operation());
        assertEquals("FILE", m.type());
        assertEquals("demo.bin", m.key());
        assertEquals(50000, m.integer(Fields.SIZE).orElseThrow());
        assertEquals(GoldenPackets.TOKEN_2254001, m.token());
        assertArrayEquals(GoldenPackets.FILE_SAVE_REQUEST,
                FrameWriter.encode(Requests.fileSave(GoldenPackets.TOKEN_2254001, "demo.bin", 50000), null));
    }

    @Test
    void uploadPlanDecodesAndReencodesByteForByte() throws IOException {
        StepMessage m = decodeOnly(GoldenPackets.UPLOAD_PLAN_RESPONSE).message();
        assertEquals(3, m.integer(Fields.TOTAL_BLOCK).orElseThrow());
        assertEquals(20480, m.integer(Fields.BLOCK_SIZE).orElseThrow());
        assertEquals(3, Blocks.totalBlocks(50000, Blocks.CLASSIC_BLOCK_SIZE));
        JsonObject plan = Replies.of(Operation.SAVE, MessageType.FILE, Status.OK, "This is the upload plan.")
                .with(Fields.KEY, "demo.bin").with(Fields.SIZE, 50000).with(Fields.TOTAL_BLOCK, 3)
                .with(Fields.BLOCK_SIZE, 20480).build();
        assertArrayEquals(GoldenPackets.UPLOAD_PLAN_RESPONSE, FrameWriter.encode(plan, null));
    }

    @Test
    void lastBlockUploadHasTheCapturedHeader() throws IOException {
        byte[] payload = new byte[Blocks.length(50000, Blocks.CLASSIC_BLOCK_SIZE, 2)];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] wire = FrameWriter.encode(Requests.upload(GoldenPackets.TOKEN_2254001, "demo.bin", 2), payload);
        assertArrayEquals(GoldenPackets.hex("00 00 00 c5 00 00 23 50"), java.util.Arrays.copyOf(wire, 8));
        assertEquals(GoldenPackets.UPLOAD_LAST_BLOCK_JSON, new String(wire, 8, 197, StandardCharsets.US_ASCII));
        Frame back = decodeOnly(wire);
        assertArrayEquals(payload, back.payload());
        assertEquals(2, back.message().integer(Fields.BLOCK_INDEX).orElseThrow());
    }

    @Test
    void uploadReplyMatchesTheCapture() {
        JsonObject reply = Replies.of(Operation.UPLOAD, MessageType.FILE, Status.OK, "The block 2 is uploaded.")
                .with(Fields.KEY, "demo.bin").with(Fields.BLOCK_INDEX, 2).build();
        assertEquals(GoldenPackets.UPLOAD_BLOCK_RESPONSE_JSON, StepJson.toText(reply));
        assertEquals(0x9e, StepJson.encode(reply).length);
    }
}
