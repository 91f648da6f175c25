package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.Requests;
import org.fita.server.auth.Authenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined requests followed by a frame the server cannot read: the requests before it are answered
 * before the connection closes. Found by the request fuzz test (releng/org.fita.fuzz): the replies were
 * buffered while more input waited, and the close dropped them.
 */
class RepliesBeforeMalformedFrameTest {
    private ServerFixture fixture;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.start(b -> b.idleTimeout(java.time.Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    private static byte[] login() {
        return FrameWriter.encode(Requests.login("2254001", Authenticator.md5Hex("2254001")), null);
    }

    private void assertLoginAnsweredThenClosed(byte[] bytes, boolean halfClose) throws IOException {
        assertAnsweredThenClosed(bytes, halfClose, 200, 200);
    }

    private void assertAnsweredThenClosed(byte[] bytes, boolean halfClose, int... statuses) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.port()), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            if (halfClose) {
                socket.shutdownOutput();
            }
            FrameReader reader = new FrameReader(socket.getInputStream(), FrameLimits.CLIENT_DEFAULT);
            for (int i = 0; i < statuses.length; i++) {
                FrameReader.IncomingFrame reply = reader.next();
                assertNotNull(reply, "reply " + (i + 1) + " to the pipelined requests was dropped");
                assertEquals(statuses[i], reply.message().status());
            }
            assertNull(reader.next(), "the connection stays open after an unreadable frame");
        }
    }

    /** Two LOGINs, then a frame whose JSON part is {@code json}, exactly as given. */
    private static byte[] twoLoginsThenAFrameOf(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(login());
        out.writeBytes(login());
        out.writeBytes(ByteBuffer.allocate(8).putInt(json.length).putInt(0).array());
        out.writeBytes(json);
        return out.toByteArray();
    }

    @Test
    void repliesBeforeAFrameThatIsNotJsonAreDelivered() throws IOException {
        byte[] junk = "{\"typ!\"".getBytes(StandardCharsets.US_ASCII);
        assertLoginAnsweredThenClosed(twoLoginsThenAFrameOf(junk), false);
    }

    /** A refused UPLOAD leaves its payload to be skipped; here the input ends inside it. */
    @Test
    void repliesBeforeARefusedUploadCutShortByTheEndAreDelivered() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(login());
        out.writeBytes(login());
        byte[] upload = FrameWriter.encode(Requests.upload("not-a-token", "demo.bin", 0), new byte[20480]);
        out.write(upload, 0, upload.length - 1000);
        assertAnsweredThenClosed(out.toByteArray(), true, 200, 200, 403);
    }

    /** Non-ASCII JSON that does not parse may be character-counted (STEP-PROTOCOL B2): the server waits for more, then times out. */
    @Test
    void repliesBeforeAFrameThatTimesOutAreDelivered() throws IOException {
        byte[] junk = "{\"typ\u0097\u00dd".getBytes(StandardCharsets.ISO_8859_1);
        assertLoginAnsweredThenClosed(twoLoginsThenAFrameOf(junk), false);
    }

    @Test
    void repliesBeforeAFrameCutShortByTheEndAreDelivered() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(login());
        out.writeBytes(login());
        out.writeBytes(ByteBuffer.allocate(8).putInt(100).putInt(0).array());
        out.writeBytes("{\"type\": ".getBytes(StandardCharsets.US_ASCII));
        assertLoginAnsweredThenClosed(out.toByteArray(), true);
    }
}
