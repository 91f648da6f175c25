package org.fita.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Requests;
import org.fita.server.internal.EmbeddedServer.Out;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoreHooks;
import org.fita.server.test.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each operation's main success and failure replies, through {@link EmbeddedServer}: the request
 * handling of a real server and store, fed frames in memory. Classic replies are compared as text,
 * byte for byte.
 */
class RequestHandlingTest {
    private static final Pattern TOKEN = Pattern.compile("\\{\"token\": \"([^\"]+)\", ");
    private static final String CLASSIC_LOGIN = "{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\", "
            + "\"username\": \"2254001\", \"password\": \"0fad7aae93eb58a6cda4c7d10023adc6\"}";

    private EmbeddedServer server;
    private String token;

    @BeforeEach
    void start() throws IOException {
        server = EmbeddedServer.start();
        token = server.login("2254001");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        assertEquals(List.of(), server.failures, "no unexpected failures");
    }

    /** The reference's reply: its own fields, then operation, direction, status, status_msg, type. */
    private static String reply(String fields, String operation, int status, String message, String type) {
        return "{" + fields + "\"operation\": \"" + operation + "\", \"direction\": \"RESPONSE\", \"status\": " + status
                + ", \"status_msg\": \"" + message + "\", \"type\": \"" + type + "\"}";
    }

    private JsonObject file(Operation op, String key) {
        JsonObject o = Requests.of(MessageType.FILE, op);
        o.addProperty(Fields.TOKEN, token);
        if (key != null) {
            o.addProperty(Fields.KEY, key);
        }
        return o;
    }

    private static JsonObject with(JsonObject o, String field, Object value) {
        if (value instanceof Number n) {
            o.addProperty(field, n);
        } else if (value instanceof Boolean b) {
            o.addProperty(field, b);
        } else {
            o.addProperty(field, (String) value);
        }
        return o;
    }

    /** Uploads {@code data} under {@code key} in classic blocks; returns the md5 the last reply gave. */
    private String upload(String key, byte[] data) throws IOException {
        assertEquals(200, server.call(Requests.fileSave(token, key, data.length)).status());
        String md5 = null;
        for (int i = 0; i * 20480 < data.length; i++) {
            Out r = server.call(Requests.upload(token, key, i), TestFiles.block(data, 20480, i));
            assertEquals(200, r.status(), r.text());
            md5 = r.message().string(Fields.MD5).orElse(null);
        }
        return md5;
    }

    // ------------------------------------------------------------------ LOGIN and the envelope

    @Test
    void classicLoginGetsTheReferenceReply() throws IOException {
        Out out = server.callText(CLASSIC_LOGIN, null);
        Matcher m = TOKEN.matcher(out.text());
        assertTrue(m.lookingAt(), out.text());
        assertEquals(reply("\"token\": \"" + m.group(1) + "\", ", "LOGIN", 200, "Login successfully", "AUTH"), out.text());
    }

    @Test
    void loginRefusalsAreTheReferenceReplies() throws IOException {
        assertEquals(reply("", "LOGIN", 401, "\\\"Password error for login.", "AUTH"),
                server.callText(CLASSIC_LOGIN.replace("0fad7", "1fad7"), null).text());
        assertEquals(reply("", "LOGIN", 409, "Type of LOGIN has to be AUTH.", "AUTH"),
                server.callText(CLASSIC_LOGIN.replace("\"AUTH\"", "\"FILE\""), null).text());
        assertEquals(reply("", "LOGIN", 410, "\\\"password\\\" has to be a field for LOGIN", "AUTH"),
                server.callText("{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\", "
                        + "\"username\": \"2254001\"}", null).text());
    }

    @Test
    void fitaLoginAnnouncesTheExtensionsAndLimits() throws IOException {
        Out out = server.call(with(Requests.login("2254001", "0fad7aae93eb58a6cda4c7d10023adc6"), Fields.FITA_VERSION, 1));
        assertEquals(200, out.status(), out.text());
        assertTrue(out.message().json().getAsJsonArray(Fields.EXTENSIONS).size() > 0, out.text());
        assertEquals(1000, out.message().json().getAsJsonObject(Fields.LIMITS).get("max_list_page").getAsInt());
        assertTrue(out.message().json().has(Fields.USAGE), out.text());
        try (EmbeddedServer classic = EmbeddedServer.start(b -> b.classicOnly(true))) {
            Out plain = classic.call(with(Requests.login("u", "7b774effe4a349c6dd82ad4f4f21d34c"), Fields.FITA_VERSION, 1));
            assertEquals(200, plain.status(), plain.text());
            assertFalse(plain.message().has(Fields.EXTENSIONS), plain.text());
        }
    }

    @Test
    void envelopeIsCheckedInTheReferenceOrder() throws IOException {
        assertEquals(reply("", "ERROR", 400, "Compulsory field operation is missing.", "ERROR"),
                server.callText("{\"direction\": \"REQUEST\"}", null).text());
        assertEquals(reply("", "ERROR", 407, "Wrong direction. Should be \\\"REQUEST\\\"", "ERROR"),
                server.callText("{\"type\": \"FILE\", \"operation\": \"GET\", \"direction\": \"RESPONSE\"}", null).text());
        assertEquals(reply("", "ERROR", 408, "Operation login is not allowed", "ERROR"),
                server.callText("{\"type\": \"AUTH\", \"operation\": \"login\", \"direction\": \"REQUEST\"}", null).text());
        assertEquals(reply("", "ERROR", 409, "Type None is not allowed", "ERROR"),
                server.callText("{\"type\": null, \"operation\": \"GET\", \"direction\": \"REQUEST\"}", null).text());
        assertEquals(reply("", "3BODY", 333, "DO NOT ANSWER! DO NOT ANSWER! DO NOT ANSWER!", "DANGEROUS"),
                server.callText("{\"direction\": \"EARTH\"}", null).text());
    }

    @Test
    void listNeedsTheOptInAndEveryOtherRequestAToken() throws IOException {
        assertEquals(reply("", "ERROR", 408, "Operation LIST is not allowed", "ERROR"),
                server.call(file(Operation.LIST, null)).text());
        Out noToken = server.call(Requests.fileGet(null, "k"));
        assertEquals(403, noToken.status());
        assertEquals("GET", noToken.operation());
        assertEquals("AUTH", noToken.type());
        Out forged = server.call(Requests.fileGet(token.substring(0, token.length() - 4) + "AAAA", "k"));
        assertEquals(403, forged.status());
    }

    @Test
    void byeIsAnsweredAndEndsTheExchange() throws IOException {
        byte[] two = concat(FrameWriter.encode(Requests.bye(null), null),
                FrameWriter.encode(Requests.fileGet(token, "k"), null));
        List<Out> outs = server.feed(two);
        assertEquals(1, outs.size(), "nothing is answered after BYE");
        assertEquals("{\"operation\": \"BYE\", \"direction\": \"RESPONSE\", \"status\": 200, \"status_msg\": \"Bye.\", "
                + "\"type\": \"AUTH\"}", outs.get(0).text());
        assertTrue(outs.get(0).closes());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        byte[] burst = concat(FrameWriter.encode(Requests.dataSave(token, "a", Map.of("n", 1)), null),
                FrameWriter.encode(Requests.dataGet(token, "a"), null),
                FrameWriter.encode(Requests.dataDelete(token, "a"), null),
                FrameWriter.encode(Requests.dataGet(token, "a"), null));
        List<Out> outs = server.feed(burst);
        assertEquals(List.of(200, 200, 200, 404), outs.stream().map(Out::status).toList());
        assertEquals(List.of("SAVE", "GET", "DELETE", "GET"), outs.stream().map(Out::operation).toList());
    }

    @Test
    void repliesBeforeACutShortFrameStillGoOut() throws IOException {
        byte[] whole = FrameWriter.encode(Requests.dataSave(token, "a", Map.of("n", 1)), null);
        byte[] cut = FrameWriter.encode(Requests.upload(token, "k", 0), new byte[100]);
        List<Out> outs = server.feed(concat(whole, java.util.Arrays.copyOf(cut, cut.length - 50)));
        assertEquals(List.of(200, 408), outs.stream().map(Out::status).toList());
    }

    // ------------------------------------------------------------------ DATA

    @Test
    void dataRecordsRoundTripWithoutTheToken() throws IOException {
        assertEquals(reply("\"key\": \"rec\", ", "SAVE", 200, "Data is saved with key \\\"rec\\\"", "DATA"),
                server.call(Requests.dataSave(token, "rec", Map.of("note", "hi"))).text());
        assertEquals(402, server.call(Requests.dataSave(token, "rec", null)).status());
        assertEquals("{\"type\": \"DATA\", \"operation\": \"GET\", \"direction\": \"RESPONSE\", \"key\": \"rec\", "
                + "\"note\": \"hi\", \"status\": 200, \"status_msg\": \"OK\"}",
                server.call(Requests.dataGet(token, "rec")).text());
        assertEquals(reply("\"key\": \"rec\", ", "DELETE", 200, "The \\\"key\\\" rec is deleted.", "DATA"),
                server.call(Requests.dataDelete(token, "rec")).text());
        assertEquals(reply("", "GET", 404, "The key rec is not existing.", "DATA"),
                server.call(Requests.dataGet(token, "rec")).text());
    }

    @Test
    void dataRefusesKeysAndOperationsItHasNoUseFor() throws IOException {
        JsonObject noKey = Requests.dataGet(token, "x");
        noKey.remove(Fields.KEY);
        assertEquals(reply("", "GET", 410, "Field \\\"key\\\" is missing for DATA GET.", "DATA"),
                server.call(noKey).text());
        assertEquals(411, server.call(Requests.dataGet(token, "../etc/passwd")).status());
        JsonObject upload = Requests.upload(token, "x", 0);
        upload.addProperty(Fields.TYPE, "DATA");
        assertEquals(reply("", "UPLOAD", 408, "Operation UPLOAD is not allowed for type DATA; use SAVE, GET or DELETE.",
                "DATA"), server.call(upload).text());
    }

    // ------------------------------------------------------------------ FILE SAVE and UPLOAD

    @Test
    void fileSaveGivesTheReferencePlan() throws IOException {
        assertEquals(reply("\"key\": \"demo.bin\", \"size\": 50000, \"total_block\": 3, \"block_size\": 20480, ",
                "SAVE", 200, "This is the upload plan.", "FILE"), server.call(Requests.fileSave(token, "demo.bin", 50000)).text());
        assertEquals(reply("", "SAVE", 402, "This file \\\"size\\\" has to be included", "FILE"),
                server.call(file(Operation.SAVE, "other")).text());
        assertEquals(411, server.call(with(file(Operation.SAVE, "neg"), Fields.SIZE, -1)).status());
    }

    /** STEP-PROTOCOL 12.3 and 12.4: the plan reply, header included, is the captured one byte for byte. */
    @Test
    void goldenPlanReplyByteForByte() throws IOException {
        String request = "{\"type\": \"FILE\", \"operation\": \"SAVE\", \"direction\": \"REQUEST\", \"token\": \""
                + token + "\", \"key\": \"demo.bin\", \"size\": 50000}";
        List<Out> outs = server.feed(EmbeddedServer.frame(request, null));
        String golden = "00 00 00 c0 00 00 00 00 7b 22 6b 65 79 22 3a 20 22 64 65 6d 6f 2e 62 69 6e 22 2c 20 22 73 69 7a"
                + " 65 22 3a 20 35 30 30 30 30 2c 20 22 74 6f 74 61 6c 5f 62 6c 6f 63 6b 22 3a 20 33 2c 20 22 62 6c"
                + " 6f 63 6b 5f 73 69 7a 65 22 3a 20 32 30 34 38 30 2c 20 22 6f 70 65 72 61 74 69 6f 6e 22 3a 20 22"
                + " 53 41 56 45 22 2c 20 22 64 69 72 65 63 74 69 6f 6e 22 3a 20 22 52 45 53 50 4f 4e 53 45 22 2c 20"
                + " 22 73 74 61 74 75 73 22 3a 20 32 30 30 2c 20 22 73 74 61 74 75 73 5f 6d 73 67 22 3a 20 22 54 68"
                + " 69 73 20 69 73 20 74 68 65 20 75 70 6c 6f 61 64 20 70 6c 61 6e 2e 22 2c 20 22 74 79 70 65 22 3a"
                + " 20 22 46 49 4c 45 22 7d";
        assertArrayEquals(HexFormat.ofDelimiter(" ").parseHex(golden), EmbeddedServer.frame(outs.get(0).text(), null));
        assertEquals(1, outs.size());
    }

    @Test
    void fitaPlanReportsTheBlocksHeldWhenResuming() throws IOException {
        byte[] data = TestFiles.random(50000, 13);
        server.call(Requests.fileSave(token, "r", data.length));
        server.call(Requests.upload(token, "r", 1), TestFiles.block(data, 20480, 1));
        JsonObject resume = with(with(Requests.fileSave(token, "r", data.length), Fields.FITA_VERSION, 1),
                Fields.RESUME, true);
        Out plan = server.call(resume);
        assertEquals(1, plan.message().integer(Fields.RECEIVED_COUNT).orElseThrow(), plan.text());
        // Without resume a classic SAVE starts the upload again (B9), and says nothing of blocks.
        Out again = server.call(Requests.fileSave(token, "r", data.length));
        assertFalse(again.message().has(Fields.RECEIVED_COUNT), again.text());
        assertEquals(0, server.call(resume).message().integer(Fields.RECEIVED_COUNT).orElseThrow());
    }

    @Test
    void uploadStoresBlocksAndOnlyTheCompletingOneCarriesTheMd5() throws IOException {
        byte[] data = TestFiles.random(50000, 7);
        server.call(Requests.fileSave(token, "demo.bin", data.length));
        // Out of order: the block that completes the set is block 0.
        assertEquals(reply("\"key\": \"demo.bin\", \"block_index\": 2, ", "UPLOAD", 200, "The block 2 is uploaded.", "FILE"),
                server.call(Requests.upload(token, "demo.bin", 2), TestFiles.block(data, 20480, 2)).text());
        server.call(Requests.upload(token, "demo.bin", 1), TestFiles.block(data, 20480, 1));
        Out last = server.call(Requests.upload(token, "demo.bin", 0), TestFiles.block(data, 20480, 0));
        assertEquals(reply("\"key\": \"demo.bin\", \"block_index\": 0, \"md5\": \"" + TestFiles.md5(data) + "\", ",
                "UPLOAD", 200, "The block 0 is uploaded.", "FILE"), last.text());
        assertEquals(reply("", "UPLOAD", 408, "The \\\"key\\\" demo.bin is completely uploaded.", "FILE"),
                server.call(Requests.upload(token, "demo.bin", 0), TestFiles.block(data, 20480, 0)).text());
        assertEquals(reply("", "SAVE", 402, "This \\\"key\\\" demo.bin is existing.", "FILE"),
                server.call(Requests.fileSave(token, "demo.bin", 1)).text());
    }

    @Test
    void uploadRefusesWhatThePlanDoesNotAllow() throws IOException {
        assertEquals(reply("", "UPLOAD", 408, "The \\\"key\\\" nope is not accepted for uploading.", "FILE"),
                server.call(Requests.upload(token, "nope", 0), new byte[10]).text());
        server.call(Requests.fileSave(token, "k", 30000));
        assertEquals(reply("", "UPLOAD", 406, "The \\\"block_size\\\" is wrong.", "FILE"),
                server.call(Requests.upload(token, "k", 0), new byte[100]).text());
        assertEquals(reply("", "UPLOAD", 406, "The \\\"block_size\\\" is wrong.", "FILE"),
                server.call(Requests.upload(token, "k", 1), new byte[20480]).text());
        // The payload of a refused block is skipped, so the next frame is read whole.
        assertEquals(200, server.call(Requests.upload(token, "k", 1), new byte[30000 - 20480]).status());
    }

    /** The one block_index rule, with its status per operation (Failures.status): only "past the last" differs. */
    @Test
    void blockIndexRuleAnswersPerOperationAsTheReference() throws IOException {
        byte[] data = TestFiles.random(30000, 3);
        upload("done", data);
        server.call(Requests.fileSave(token, "open", 30000));
        Object[][] cases = {
            // index, UPLOAD status, DOWNLOAD status, message
            {2L, 405, 410, "The \\\"block_index\\\" exceed the max index."},
            {-1L, 410, 410, "The \\\"block_index\\\" should >= 0."},
            {null, 410, 410, "The \\\"block_index\\\" is compulsory."},
            {1.5, 411, 411, "The \\\"block_index\\\" has to be an integer."},
        };
        for (Object[] c : cases) {
            JsonObject up = file(Operation.UPLOAD, "open");
            JsonObject down = file(Operation.DOWNLOAD, "done");
            if (c[0] != null) {
                with(up, Fields.BLOCK_INDEX, c[0]);
                with(down, Fields.BLOCK_INDEX, c[0]);
            }
            assertEquals(reply("", "UPLOAD", (int) c[1], (String) c[3], "FILE"), server.call(up, new byte[1]).text());
            // DOWNLOAD refusals are labelled GET, as the reference's are (B7).
            assertEquals(reply("", "GET", (int) c[2], (String) c[3], "FILE"), server.call(down).text());
        }
    }

    // ------------------------------------------------------------------ FILE GET, DOWNLOAD, DELETE, LIST

    @Test
    void fileGetGivesThePlanOfFinishedFilesOnly() throws IOException {
        byte[] data = TestFiles.random(50000, 5);
        upload("demo.bin", data);
        assertEquals(reply("\"key\": \"demo.bin\", \"size\": 50000, \"total_block\": 3, \"block_size\": 20480, \"md5\": \""
                + TestFiles.md5(data) + "\", ", "GET", 200, "OK. This is the download plan.", "FILE"),
                server.call(Requests.fileGet(token, "demo.bin")).text());
        server.call(Requests.fileSave(token, "half", 50000));
        assertEquals(reply("", "GET", 404, "The key half is not completely uploaded.", "FILE"),
                server.call(Requests.fileGet(token, "half")).text());
        assertEquals(reply("", "GET", 404, "The key none is not existing.", "FILE"),
                server.call(Requests.fileGet(token, "none")).text());
        assertEquals(reply("", "GET", 410, "Field \\\"key\\\" is missing for FILE GET.", "FILE"),
                server.call(file(Operation.GET, null)).text());
    }

    @Test
    void downloadSendsTheBlockBytes() throws IOException {
        byte[] data = TestFiles.random(50000, 9);
        upload("demo.bin", data);
        Out last = server.call(Requests.download(token, "demo.bin", 2));
        assertEquals(reply("\"block_index\": 2, \"key\": \"demo.bin\", \"size\": 9040, ", "DOWNLOAD", 200,
                "An available block.", "FILE"), last.text());
        assertArrayEquals(TestFiles.block(data, 20480, 2), last.binary());
        assertArrayEquals(TestFiles.block(data, 20480, 0), server.call(Requests.download(token, "demo.bin", 0)).binary());
        server.call(Requests.fileSave(token, "half", 10));
        assertEquals(reply("", "GET", 404, "The \\\"key\\\" half is not completely uploaded. Please upload it first",
                "FILE"), server.call(Requests.download(token, "half", 0)).text());
    }

    @Test
    void downloadFillsInTheCrcAFitaClientAsksFor() throws IOException {
        byte[] data = TestFiles.random(50000, 11);
        upload("demo.bin", data);
        JsonObject ask = with(with(Requests.download(token, "demo.bin", 1), Fields.FITA_VERSION, 1), "want_crc32c", true);
        Out out = server.call(ask);
        CRC32C crc = new CRC32C();
        crc.update(TestFiles.block(data, 20480, 1));
        assertEquals(String.format("%08x", crc.getValue()), out.message().string("block_crc32c").orElseThrow());
        assertArrayEquals(TestFiles.block(data, 20480, 1), out.binary());
        // A classic request never gets the field.
        assertFalse(server.call(Requests.download(token, "demo.bin", 1)).message().has("block_crc32c"));
    }

    @Test
    void fileDeleteRepliesSayGetAsTheReferenceDoes() throws IOException {
        upload("demo.bin", TestFiles.random(100, 1));
        server.call(Requests.fileSave(token, "half", 50000));
        assertEquals(reply("\"key\": \"demo.bin\", ", "GET", 200, "The \\\"key\\\" demo.bin is deleted.", "FILE"),
                server.call(Requests.fileDelete(token, "demo.bin")).text());
        assertEquals(reply("", "GET", 404, "The \\\"key\\\" half is not completely uploaded. The tmp files are deleted.",
                "FILE"), server.call(Requests.fileDelete(token, "half")).text());
        assertEquals(reply("", "GET", 404, "The \\\"key\\\" half is not existing.", "FILE"),
                server.call(Requests.fileDelete(token, "half")).text());
        assertEquals(404, server.call(Requests.fileGet(token, "demo.bin")).status());
    }

    @Test
    void listPagesThroughFinishedFiles() throws IOException {
        for (String key : new String[] {"a", "b", "c"}) {
            upload(key, TestFiles.random(10, key.charAt(0)));
        }
        server.call(Requests.fileSave(token, "unfinished", 10));
        JsonObject list = with(with(file(Operation.LIST, null), Fields.FITA_VERSION, 1), Fields.LIMIT, 2);
        Out first = server.call(list);
        assertEquals(200, first.status(), first.text());
        assertEquals(2, first.message().json().getAsJsonArray(Fields.FILES).size());
        String after = first.message().string(Fields.NEXT_AFTER).orElseThrow();
        Out second = server.call(with(list, Fields.AFTER, after));
        assertEquals(1, second.message().json().getAsJsonArray(Fields.FILES).size(), second.text());
        assertEquals("c", second.message().json().getAsJsonArray(Fields.FILES).get(0).getAsJsonObject()
                .get(Fields.KEY).getAsString());
        assertEquals(reply("", "LIST", 411, "\\\"limit\\\" has to be an integer from 1 to 1000.", "FILE"),
                server.call(with(list, Fields.LIMIT, 0)).text());
    }

    // ------------------------------------------------------------------ failures mapped in one place

    @Test
    void overQuotaIs415() throws IOException {
        try (EmbeddedServer small = EmbeddedServer.start(b -> b.defaultQuota(1000))) {
            String t = small.login("u");
            Out out = small.call(Requests.fileSave(t, "big", 5000));
            assertEquals(415, out.status(), out.text());
            assertEquals("SAVE", out.operation());
            assertTrue(out.statusMessage().contains("5000"), out.statusMessage());
        }
    }

    @Test
    void fullDiskIs507() throws IOException {
        StoreHooks.usableSpace(server.store, () -> 1000);
        Out out = server.call(Requests.fileSave(token, "big", 5000));
        assertEquals(507, out.status(), out.text());
        assertEquals("FILE", out.type());
        assertTrue(out.statusMessage().contains("1000 bytes free"), out.statusMessage());
    }

    @Test
    void blockOfAnUploadRestartedMeanwhileIs408() throws Exception {
        server.call(Requests.fileSave(token, "k", 30000));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            // The block's bytes arrive only after another client planned the key anew.
            InputStream late = new InputStream() {
                private int left = 20480;
                private boolean restarted;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (!restarted) {
                        restarted = true;
                        try {
                            Out plan = other.submit(() -> server.call(Requests.fileSave(token, "k", 30000)))
                                    .get(10, TimeUnit.SECONDS);
                            assertEquals(200, plan.status());
                        } catch (Exception e) {
                            throw new IOException(e);
                        }
                    }
                    if (left == 0) {
                        return -1;
                    }
                    int n = Math.min(len, left);
                    left -= n;
                    return n;
                }
            };
            Out out = server.callStreaming(Requests.upload(token, "k", 0), 20480, late);
            assertEquals(408, out.status(), out.text());
            assertEquals("UPLOAD", out.operation());
            assertTrue(out.statusMessage().contains("was restarted or deleted"), out.statusMessage());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void unexpectedFailureIs500AndTheNextRequestIsServed() throws IOException {
        try (EmbeddedServer faulty = EmbeddedServer.start(b -> b, RequestHandlingTest::failingDataGet)) {
            String t = faulty.login("u");
            assertEquals(reply("", "GET", 500, "The server failed: disk on fire. The request may be retried; the server "
                    + "log has details.", "DATA"), faulty.call(Requests.dataGet(t, "k")).text());
            assertEquals(1, faulty.failures.size());
            assertEquals(200, faulty.call(Requests.dataSave(t, "k", null)).status());
            faulty.failures.clear();
        }
    }

    /** The store, except that DATA GET fails as no handler expects. */
    private static BlobStore failingDataGet(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getData")) {
                        throw new IllegalStateException("disk on fire");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
