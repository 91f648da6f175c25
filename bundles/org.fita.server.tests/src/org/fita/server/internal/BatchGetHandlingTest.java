package org.fita.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.server.internal.EmbeddedServer.Out;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FILE BATCH_GET (extension "batch-get") through the request handling of a real server and store. */
class BatchGetHandlingTest {
    private EmbeddedServer server;
    private String token;

    @BeforeEach
    void start() throws IOException {
        server = EmbeddedServer.start();
        token = server.login("u1");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        assertEquals(List.of(), server.failures, "no unexpected failures");
    }

    private static String upload(EmbeddedServer s, String t, String key, byte[] data) throws IOException {
        assertEquals(200, s.call(Requests.fileSave(t, key, data.length)).status());
        String md5 = null;
        for (int i = 0; i * 20480 < data.length; i++) {
            Out r = s.call(Requests.upload(t, key, i), TestFiles.block(data, 20480, i));
            assertEquals(200, r.status(), r.text());
            md5 = r.message().string(Fields.MD5).orElse(null);
        }
        return md5;
    }

    private static JsonObject asked(String key, long size, String md5) {
        JsonObject o = new JsonObject();
        o.addProperty(Fields.KEY, key);
        o.addProperty(Fields.SIZE, size);
        o.addProperty(Fields.MD5, md5);
        return o;
    }

    private static JsonArray of(JsonObject... files) {
        JsonArray a = new JsonArray();
        for (JsonObject f : files) {
            a.add(f);
        }
        return a;
    }

    private static JsonObject entry(Out out, int i) {
        return out.message().json().getAsJsonArray(Fields.FILES).get(i).getAsJsonObject();
    }

    @Test
    void eachFileHasItsOutcomeAndTheUnchangedOnesTheirBytesInOrder() throws IOException {
        byte[] a = TestFiles.random(10, 1);
        byte[] b = TestFiles.random(20_000, 2);
        byte[] c = TestFiles.random(50_000, 3); // several of the plan's blocks: read whole all the same
        String md5a = upload(server, token, "a", a);
        String md5b = upload(server, token, "b", b);
        String md5c = upload(server, token, "c", c);
        server.call(Requests.fileSave(token, "unfinished", 10));

        Out out = server.call(Requests.batchGet(token, of(asked("a", 10, md5a), asked("gone", 5, md5a),
                asked("b", 20_000, md5a), asked("unfinished", 10, md5a), asked("c", 50_000, md5c.toUpperCase()))));

        assertEquals(200, out.status(), out.text());
        assertEquals("BATCH_GET", out.operation());
        assertEquals(List.of("ok", "not_found", "changed", "not_found", "ok"), out.message().json()
                .getAsJsonArray(Fields.FILES).asList().stream().map(e -> e.getAsJsonObject().get(Fields.OUTCOME)
                        .getAsString()).toList());
        assertEquals(md5b, entry(out, 2).get(Fields.MD5).getAsString(), "a changed file says what it is now");
        assertEquals(20_000, entry(out, 2).get(Fields.SIZE).getAsLong());
        assertFalse(entry(out, 1).has(Fields.SIZE));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(a);
        expected.writeBytes(c);
        assertArrayEquals(expected.toByteArray(), out.binary());
        assertFalse(out.closes());
    }

    @Test
    void theReplyIsTheOneDocumented() throws IOException {
        String md5 = upload(server, token, "notes/hello.txt", "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Out out = server.call(Requests.batchGet(token, of(asked("notes/hello.txt", 5, md5),
                asked("notes/gone.txt", 3, "acbd18db4cc2f85cedef654fccc4a4d8"))));
        // docs/protocol-extensions.md, section 2.11
        assertEquals("{\"files\": [{\"key\": \"notes/hello.txt\", \"outcome\": \"ok\", \"size\": 5, \"md5\": "
                + "\"5d41402abc4b2a76b9719d911017c592\"}, {\"key\": \"notes/gone.txt\", \"outcome\": \"not_found\"}], "
                + "\"operation\": \"BATCH_GET\", \"direction\": \"RESPONSE\", \"status\": 200, \"status_msg\": "
                + "\"OK. 1 of 2 files follow.\", \"type\": \"FILE\"}", out.text());
        assertEquals("hello", new String(out.binary(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void theLoginReplyAnnouncesTheExtensionAndItsLimits() throws IOException {
        try (EmbeddedServer small = EmbeddedServer.start(b -> b.maxBlockSize(65536))) {
            Out login = small.call(Requests.fita(Requests.login("u2", org.fita.server.auth.Authenticator.md5Hex("u2"))));
            JsonObject limits = login.message().json().getAsJsonObject(Fields.LIMITS);
            assertTrue(login.message().json().getAsJsonArray(Fields.EXTENSIONS).contains(
                    new com.google.gson.JsonPrimitive(Extensions.BATCH_GET)), login.text());
            assertEquals(Extensions.MAX_BATCH_FILES, limits.get(Fields.MAX_BATCH_FILES).getAsInt());
            assertEquals(65536, limits.get(Fields.MAX_BATCH_BYTES).getAsInt(), "never over the largest frame part");
        }
    }

    @Test
    void tooManyFilesOrBytesAre413BeforeAnythingIsReadAndTheConnectionStays() throws IOException {
        String md5 = upload(server, token, "a", TestFiles.random(10, 1));
        JsonArray many = new JsonArray();
        for (int i = 0; i <= Extensions.MAX_BATCH_FILES; i++) {
            many.add(asked("a", 10, md5));
        }
        Out out = server.call(Requests.batchGet(token, many));
        assertEquals(413, out.status(), out.text());
        assertTrue(out.statusMessage().contains("at most " + Extensions.MAX_BATCH_FILES), out.statusMessage());
        assertEquals(0, out.binary().length);
        assertFalse(out.closes());

        Out big = server.call(Requests.batchGet(token, of(asked("a", 10, md5), asked("x", 1L << 62, md5),
                asked("y", 1L << 62, md5))));
        assertEquals(413, big.status(), big.text());
        assertTrue(big.statusMessage().contains(Extensions.MAX_BATCH_BYTES + " bytes"), big.statusMessage());
        assertFalse(big.closes());

        Out fine = server.call(Requests.batchGet(token, of(asked("a", 10, md5))));
        assertEquals(200, fine.status(), "the connection serves on: " + fine.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"no array", "empty", "not an object", "bad key", "negative size", "bad md5"})
    void malformedEntriesAre411(String breach) throws IOException {
        JsonObject request = Requests.batchGet(token, of(asked("a", 10, "0123456789abcdef0123456789abcdef")));
        JsonObject first = request.getAsJsonArray(Fields.FILES).get(0).getAsJsonObject();
        switch (breach) {
            case "no array" -> request.addProperty(Fields.FILES, "a");
            case "empty" -> request.add(Fields.FILES, new JsonArray());
            case "not an object" -> request.getAsJsonArray(Fields.FILES).add(7);
            case "bad key" -> first.addProperty(Fields.KEY, "../x");
            case "negative size" -> first.addProperty(Fields.SIZE, -1);
            default -> first.addProperty(Fields.MD5, "xyz");
        }
        Out out = server.call(request);
        assertEquals(411, out.status(), out.text());
        assertEquals("BATCH_GET", out.operation());
    }

    @Test
    void withoutTheOptInOrOnAClassicServerItIsAnUnknownOperation() throws IOException {
        JsonObject request = Requests.batchGet(token, of(asked("a", 10, "0123456789abcdef0123456789abcdef")));
        request.remove(Fields.FITA_VERSION);
        Out out = server.call(request);
        assertEquals(408, out.status(), out.text());
        assertEquals("ERROR", out.operation());
        try (EmbeddedServer classic = EmbeddedServer.start(b -> b.classicOnly(true))) {
            String t = classic.login("u1");
            Out refused = classic.call(Requests.batchGet(t, of(asked("a", 10, "0123456789abcdef0123456789abcdef"))));
            assertEquals(408, refused.status(), refused.text());
            assertEquals("ERROR", refused.operation());
        }
    }

    @Test
    void anotherUsersFilesAreNotFound() throws IOException {
        String md5 = upload(server, token, "mine", TestFiles.random(100, 4));
        String other = server.login("u2");
        Out out = server.call(Requests.batchGet(other, of(asked("mine", 100, md5))));
        assertEquals(200, out.status(), out.text());
        assertEquals("not_found", entry(out, 0).get(Fields.OUTCOME).getAsString());
        assertEquals(0, out.binary().length);
    }
}
