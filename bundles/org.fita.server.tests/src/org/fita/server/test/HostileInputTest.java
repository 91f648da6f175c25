package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every defect of the reference server listed in STEP-PROTOCOL section 13, sent at a FiTA server:
 * each gets a clear reply or a clean close, and the server goes on serving.
 */
class HostileInputTest {
    private ServerFixture fixture;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.start(b -> b.maxJsonBytes(4096).maxBlockSize(1 << 20).maxFileSize(1L << 30));
    }

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    private static byte[] frame(long n, long m, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt((int) n).putInt((int) m).put(body);
        return b.array();
    }

    /** The server still answers a fresh client: nothing hangs, no thread died. */
    private void assertServerStillServes() throws IOException {
        try (StepClient c = fixture.client()) {
            assertEquals(200, c.call(Requests.login("still-alive", org.fita.server.auth.Authenticator.md5Hex("still-alive")))
                    .status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "\"text\"", "5", "null", "{\"unterminated\": ", "{'single': 1}", "{} {}", ""})
    void aFrameThatIsNotAJsonObjectClosesTheConnectionCleanly(String json) throws IOException {
        try (StepClient c = fixture.client()) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            c.sendRaw(frame(body.length, 0, body));
            assertTrue(c.closedByServer(5000), "closed without a reply");
        }
        assertServerStillServes();
    }

    @Test
    void invalidUtf8ClosesTheConnectionCleanly() throws IOException {
        try (StepClient c = fixture.client()) {
            byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            c.sendRaw(frame(body.length, 0, body));
            assertTrue(c.closedByServer(5000));
        }
        assertServerStillServes();
    }

    @Test
    void aJsonPartOverTheLimitIsRefusedBeforeAnyAllocation() throws IOException {
        try (StepClient c = fixture.client()) {
            // Announces 4 GiB; only the header is sent. The server must answer at once, not wait or allocate.
            c.sendRaw(frame(0xFFFF_FFFFL, 0, new byte[0]));
            StepMessage reply = c.receive().message();
            assertEquals(413, reply.status());
            assertTrue(reply.statusMessage().contains("4294967295"), reply.statusMessage());
            assertTrue(c.closedByServer(5000));
        }
        assertServerStillServes();
    }

    @Test
    void aBinaryPartOverTheLimitIsRefused() throws IOException {
        try (StepClient c = fixture.client()) {
            byte[] json = "{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\"}".getBytes(StandardCharsets.US_ASCII);
            c.sendRaw(frame(json.length, 64L << 20, json));
            StepMessage reply = c.receive().message();
            assertEquals(413, reply.status());
            assertTrue(reply.statusMessage().contains("binary"), reply.statusMessage());
        }
        assertServerStillServes();
    }

    @Test
    void theStreamEndingInsideAFrameDoesNotDisturbOthers() throws IOException {
        try (StepClient c = fixture.client()) {
            c.sendRaw(new byte[] {0, 0, 0, 50, 0});
        }
        try (StepClient c = fixture.client()) {
            c.sendRaw(frame(100, 0, "{\"type\"".getBytes(StandardCharsets.US_ASCII)));
        }
        assertServerStillServes();
    }

    @Test
    void wellFormedRequestsWithBadValuesGetAClear4xx() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            JsonObject keyNumber = Requests.fileSave(token, null, 10);
            keyNumber.addProperty(Fields.KEY, 5);
            assertBad(c.call(keyNumber), 411, "key");

            for (String size : new String[] {"\"10\"", "1.5", "-1", "true", "null", "1e3", "99999999999999999999"}) {
                JsonObject save = Requests.fileSave(token, "k", 0);
                save.add(Fields.SIZE, com.google.gson.JsonParser.parseString(size));
                assertBad(c.call(save), 411, "size");
            }
            assertEquals(200, c.call(Requests.fileSave(token, "k", 30000)).status());
            for (String index : new String[] {"1.0", "\"1\"", "true", "null"}) {
                JsonObject up = Requests.upload(token, "k", 0);
                up.add(Fields.BLOCK_INDEX, com.google.gson.JsonParser.parseString(index));
                assertBad(c.call(up, new byte[20480]), 411, "block_index");
            }
            JsonObject get = Requests.fileGet(token, "k");
            get.remove(Fields.KEY);
            assertBad(c.call(get), 410, "key");

            JsonObject nullToken = Requests.fileGet("x", "k");
            nullToken.add(Fields.TOKEN, com.google.gson.JsonNull.INSTANCE);
            assertBad(c.call(nullToken), 403, "Token");
            assertBad(c.call(Requests.fileGet("!!!not-base64!!!", "k")), 403, "Token");

            JsonObject login = Requests.login("u", "p");
            login.addProperty(Fields.USERNAME, 2254001);
            assertBad(c.call(login), 411, "username");
            login.remove(Fields.PASSWORD);
            assertBad(c.call(login), 410, "password");

            JsonObject authSave = Requests.fileGet(token, "k");
            authSave.addProperty(Fields.TYPE, "AUTH");
            assertBad(c.call(authSave), 408, "AUTH");
            JsonObject dataUpload = Requests.upload(token, "k", 0);
            dataUpload.addProperty(Fields.TYPE, "DATA");
            assertBad(c.call(dataUpload), 408, "DATA");
        }
    }

    private static void assertBad(StepMessage reply, int status, String mentions) {
        assertEquals(status, reply.status(), reply.toString());
        assertTrue(reply.statusMessage().contains(mentions), reply.statusMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../escape", "a/../../b", "a/./b", "..", ".", "a//b", "dir/", "",
        "nul\u0000byte", "tab\tkey", "del\u007fkey"})
    void hostileKeysAreRefusedWithAReason(String key) throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            List<JsonObject> requests = List.of(Requests.fileSave(token, key, 10), Requests.upload(token, key, 0),
                    Requests.fileGet(token, key), Requests.download(token, key, 0), Requests.fileDelete(token, key),
                    Requests.dataSave(token, key, null), Requests.dataGet(token, key), Requests.dataDelete(token, key));
            for (JsonObject request : requests) {
                StepMessage reply = c.call(request);
                assertEquals(411, reply.status(), request + " -> " + reply);
                assertTrue(reply.statusMessage().toLowerCase().contains("key"), reply.statusMessage());
            }
        }
        assertNothingOutsideTheRoot();
    }

    @Test
    void anOverlongKeyIsRefused() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            assertBad(c.call(Requests.fileSave(token, "é".repeat(513), 1)), 411, "1026 bytes");
            assertEquals(200, c.call(Requests.fileSave(token, "é".repeat(512), 1)).status(), "1024 bytes is allowed");
        }
    }

    private void assertNothingOutsideTheRoot() throws IOException {
        Path parent = fixture.root.getParent();
        try (Stream<Path> siblings = Files.list(parent)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().equals("escape")
                    || p.getFileName().toString().equals("b")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "/tmp/abs_user", "", "..", ".", "ctl\u0001"})
    void hostileUsernamesAreRefused(String username) throws IOException {
        try (StepClient c = fixture.client()) {
            StepMessage reply = c.call(Requests.login(username, org.fita.server.auth.Authenticator.md5Hex(username)));
            assertEquals(411, reply.status(), reply.toString());
        }
    }

    @Test
    void keysThatLookOddButAreNamesWork() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            for (String key : new String[] {"数据1", "dir/sub/file.txt", "a..b", ".hidden", "x.log", "with space", "CON"}) {
                byte[] file = TestFiles.random(1000, key.hashCode());
                assertEquals(TestFiles.md5(file), UploadTest.upload(c, token, key, file), key);
                assertArrayEquals(file, UploadTest.download(c, token, key));
            }
        }
    }

    @Test
    void nonAsciiKeysRoundTripWithByteCorrectFrames() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            StepClient.RawReply raw = c.callRaw("{\"type\": \"DATA\", \"operation\": \"SAVE\", \"direction\": \"REQUEST\", "
                    + "\"token\": \"" + token + "\", \"key\": \"数据1\", \"v\": \"值\"}", null);
            // Escaped to ASCII: bytes and characters agree, so both kinds of classic client read it.
            assertEquals("{\"key\": \"\\u6570\\u636e1\", \"operation\": \"SAVE\", \"direction\": \"RESPONSE\", "
                    + "\"status\": 200, \"status_msg\": \"Data is saved with key \\\"\\u6570\\u636e1\\\"\", \"type\": \"DATA\"}",
                    raw.json());
            StepMessage got = c.call(Requests.dataGet(token, "数据1"));
            assertEquals("值", got.string("v").orElseThrow());
        }
    }

    @Test
    void aClientThatCountsCharactersInsteadOfBytesIsUnderstood() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            String json = "{\"type\": \"DATA\", \"operation\": \"SAVE\", \"direction\": \"REQUEST\", \"token\": \"" + token
                    + "\", \"key\": \"键🔑\", \"v\": 1}";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            int characters = json.codePointCount(0, json.length());
            assertTrue(characters < body.length);
            c.sendRaw(frame(characters, 0, body));
            StepMessage reply = c.receive().message();
            assertEquals(200, reply.status(), reply.toString());
            assertEquals("键🔑", reply.key());
            assertEquals(200, c.call(Requests.dataGet(token, "键🔑")).status(), "the connection stays in step");
        }
    }

    @Test
    void usersCannotReachEachOthersFilesOrData() throws IOException {
        try (StepClient c = fixture.client()) {
            String alice = c.login("alice");
            String bob = c.login("bob");
            byte[] secret = TestFiles.random(5000, 5);
            UploadTest.upload(c, alice, "secret.txt", secret);
            c.call(Requests.dataSave(alice, "diary", java.util.Map.of("text", "mine")));
            c.call(Requests.fileSave(alice, "half", 40960));

            assertEquals(404, c.call(Requests.fileGet(bob, "secret.txt")).status());
            assertEquals(404, c.call(Requests.download(bob, "secret.txt", 0)).status());
            assertEquals(404, c.call(Requests.fileDelete(bob, "secret.txt")).status());
            assertEquals(408, c.call(Requests.upload(bob, "half", 0), new byte[20480]).status());
            assertEquals(404, c.call(Requests.dataGet(bob, "diary")).status());
            assertEquals(404, c.call(Requests.dataDelete(bob, "diary")).status());
            assertEquals(411, c.call(Requests.fileGet(bob, "../alice/secret.txt")).status());
            assertEquals(0, c.call(Requests.list(bob, null, null, 100)).json().getAsJsonArray(Fields.FILES).size());

            // The reference maps a.b and a_b to one folder (S5); here they are two users.
            String dotted = c.login("a.b");
            String underscored = c.login("a_b");
            UploadTest.upload(c, dotted, "x", TestFiles.random(10, 1));
            assertEquals(404, c.call(Requests.fileGet(underscored, "x")).status());

            assertArrayEquals(secret, UploadTest.download(c, alice, "secret.txt"));
            assertEquals("mine", c.call(Requests.dataGet(alice, "diary")).string("text").orElseThrow());
        }
    }

    @Test
    void dataGetNeverReturnsAToken() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            c.call(Requests.dataSave(token, "r", java.util.Map.of("a", 1)));
            StepMessage got = c.call(Requests.dataGet(token, "r"));
            assertEquals(200, got.status());
            assertFalse(got.has(Fields.TOKEN), got.toString());
            assertFalse(got.toString().contains(token));
        }
    }

    @Test
    void aKeyEndingInLogCannotDisturbAnotherUpload() throws IOException {
        byte[] file = TestFiles.random(3 * 20480, 3);
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            c.call(Requests.fileSave(token, "X", file.length));
            c.call(Requests.upload(token, "X", 0), TestFiles.block(file, 20480, 0));
            assertEquals(TestFiles.md5(new byte[100]), UploadTest.upload(c, token, "X.log", new byte[100]));
            c.call(Requests.upload(token, "X", 1), TestFiles.block(file, 20480, 1));
            StepMessage last = c.call(Requests.upload(token, "X", 2), TestFiles.block(file, 20480, 2));
            assertEquals(TestFiles.md5(file), last.string(Fields.MD5).orElseThrow());
        }
    }

    @Test
    void byeIsAnsweredAndTheConnectionCloses() throws IOException {
        try (StepClient c = fixture.client()) {
            StepMessage bye = c.call(Requests.bye(null));
            assertEquals(200, bye.status());
            assertEquals("BYE", bye.operation());
            assertTrue(c.closedByServer(5000));
        }
    }

    @Test
    void aFileOverTheSizeLimitOrTheFreeSpaceIsRefused() throws IOException {
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            assertBad(c.call(Requests.fileSave(token, "huge", (1L << 30) + 1)), 413, "at most 1073741824");
        }
        fixture.close();
        fixture = ServerFixture.start(b -> b.maxFileSize(Long.MAX_VALUE));
        try (StepClient c = fixture.client()) {
            String token = c.login("u1");
            assertBad(c.call(Requests.fileSave(token, "petabyte", 1L << 50)), 507, "free");
            assertEquals(404, c.call(Requests.fileGet(token, "petabyte")).status(), "nothing half-made is left");
        }
    }
}
