package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fita.server.ServerConfig;
import org.fita.server.test.StepClient.RawReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plays a classic client byte for byte: the requests are the JSON texts of STEP-PROTOCOL section
 * 12 framed as the coursework clients frame them, and every reply must be the reference server's
 * reply to the letter (same fields, order, status and message), the token aside.
 */
class ClassicClientTest {
    private static final Pattern TOKEN = Pattern.compile("\\{\"token\": \"([^\"]+)\", ");

    private ServerFixture fixture;
    private StepClient client;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.start(this::tune);
        client = fixture.client();
    }

    /** The server's configuration; a subclass replays the same packets against another one. */
    ServerConfig.Builder tune(ServerConfig.Builder b) {
        return b;
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        fixture.close();
    }

    private String login() throws IOException {
        RawReply reply = client.callRaw("{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\", "
                + "\"username\": \"2254001\", \"password\": \"0fad7aae93eb58a6cda4c7d10023adc6\"}", null);
        Matcher m = TOKEN.matcher(reply.json());
        assertTrue(m.lookingAt(), reply.json());
        String token = m.group(1);
        assertEquals("{\"token\": \"" + token + "\", \"operation\": \"LOGIN\", \"direction\": \"RESPONSE\", "
                + "\"status\": 200, \"status_msg\": \"Login successfully\", \"type\": \"AUTH\"}", reply.json());
        return token;
    }

    private static String ok(String fields, String operation, String message, String type) {
        return "{" + fields + "\"operation\": \"" + operation + "\", \"direction\": \"RESPONSE\", \"status\": 200, "
                + "\"status_msg\": \"" + message + "\", \"type\": \"" + type + "\"}";
    }

    @Test
    void fileLifecycleRepliesMatchTheReference() throws IOException {
        String token = login();
        String head = "{\"type\": \"FILE\", \"operation\": \"%s\", \"direction\": \"REQUEST\", \"token\": \"" + token + "\", ";

        RawReply plan = client.callRaw(String.format(head, "SAVE") + "\"key\": \"demo.bin\", \"size\": 50000}", null);
        assertEquals("{\"key\": \"demo.bin\", \"size\": 50000, \"total_block\": 3, \"block_size\": 20480, "
                + "\"operation\": \"SAVE\", \"direction\": \"RESPONSE\", \"status\": 200, "
                + "\"status_msg\": \"This is the upload plan.\", \"type\": \"FILE\"}", plan.json());

        byte[] file = TestFiles.random(50000, 1);
        String md5 = TestFiles.md5(file);
        for (int i = 0; i < 3; i++) {
            RawReply r = client.callRaw(String.format(head, "UPLOAD") + "\"key\": \"demo.bin\", \"block_index\": " + i + "}",
                    TestFiles.block(file, 20480, i));
            String md5Field = i == 2 ? "\"md5\": \"" + md5 + "\", " : "";
            assertEquals(ok("\"key\": \"demo.bin\", \"block_index\": " + i + ", " + md5Field, "UPLOAD",
                    "The block " + i + " is uploaded.", "FILE"), r.json());
        }

        RawReply get = client.callRaw(String.format(head, "GET") + "\"key\": \"demo.bin\"}", null);
        assertEquals(ok("\"key\": \"demo.bin\", \"size\": 50000, \"total_block\": 3, \"block_size\": 20480, \"md5\": \""
                + md5 + "\", ", "GET", "OK. This is the download plan.", "FILE"), get.json());

        for (int i = 0; i < 3; i++) {
            RawReply block = client.callRaw(String.format(head, "DOWNLOAD") + "\"key\": \"demo.bin\", \"block_index\": "
                    + i + "}", null);
            byte[] expected = TestFiles.block(file, 20480, i);
            assertEquals(ok("\"block_index\": " + i + ", \"key\": \"demo.bin\", \"size\": " + expected.length + ", ",
                    "DOWNLOAD", "An available block.", "FILE"), block.json());
            assertArrayEquals(expected, block.binary());
        }

        RawReply again = client.callRaw(String.format(head, "SAVE") + "\"key\": \"demo.bin\", \"size\": 50000}", null);
        assertEquals("{\"operation\": \"SAVE\", \"direction\": \"RESPONSE\", \"status\": 402, "
                + "\"status_msg\": \"This \\\"key\\\" demo.bin is existing.\", \"type\": \"FILE\"}", again.json());

        RawReply deleted = client.callRaw(String.format(head, "DELETE") + "\"key\": \"demo.bin\"}", null);
        assertEquals(ok("\"key\": \"demo.bin\", ", "GET", "The \\\"key\\\" demo.bin is deleted.", "FILE"), deleted.json());

        RawReply gone = client.callRaw(String.format(head, "GET") + "\"key\": \"demo.bin\"}", null);
        assertEquals("{\"operation\": \"GET\", \"direction\": \"RESPONSE\", \"status\": 404, "
                + "\"status_msg\": \"The key demo.bin is not existing.\", \"type\": \"FILE\"}", gone.json());
    }

    @Test
    void dataLifecycleRepliesMatchTheReferenceWithoutTheToken() throws IOException {
        String token = login();
        String head = "{\"type\": \"DATA\", \"operation\": \"%s\", \"direction\": \"REQUEST\", \"token\": \"" + token + "\", ";

        RawReply saved = client.callRaw(String.format(head, "SAVE") + "\"key\": \"rec1\", \"note\": \"hello\", \"n\": 7}", null);
        assertEquals(ok("\"key\": \"rec1\", ", "SAVE", "Data is saved with key \\\"rec1\\\"", "DATA"), saved.json());

        RawReply got = client.callRaw(String.format(head, "GET") + "\"key\": \"rec1\"}", null);
        // The reference returns the stored request with its token; FiTA never stores the token (S7).
        assertEquals("{\"type\": \"DATA\", \"operation\": \"GET\", \"direction\": \"RESPONSE\", \"key\": \"rec1\", "
                + "\"note\": \"hello\", \"n\": 7, \"status\": 200, \"status_msg\": \"OK\"}", got.json());

        RawReply exists = client.callRaw(String.format(head, "SAVE") + "\"key\": \"rec1\"}", null);
        assertEquals("{\"operation\": \"SAVE\", \"direction\": \"RESPONSE\", \"status\": 402, "
                + "\"status_msg\": \"This key \\\"rec1\\\" is existing.\", \"type\": \"DATA\"}", exists.json());

        RawReply deleted = client.callRaw(String.format(head, "DELETE") + "\"key\": \"rec1\"}", null);
        assertEquals(ok("\"key\": \"rec1\", ", "DELETE", "The \\\"key\\\" rec1 is deleted.", "DATA"), deleted.json());

        RawReply missing = client.callRaw(String.format(head, "GET") + "\"key\": \"rec1\"}", null);
        assertEquals("{\"operation\": \"GET\", \"direction\": \"RESPONSE\", \"status\": 404, "
                + "\"status_msg\": \"The key rec1 is not existing.\", \"type\": \"DATA\"}", missing.json());

        RawReply generated = client.callRaw(String.format(head, "SAVE") + "\"v\": 1}", null);
        assertTrue(generated.json().matches("\\{\"key\": \"[0-9a-f-]{36}\", \"operation\": \"SAVE\".*"), generated.json());
    }

    @Test
    void validationErrorsMatchTheReference() throws IOException {
        assertEquals(error(400, "Compulsory field operation is missing."),
                client.callRaw("{\"direction\": \"REQUEST\", \"type\": \"AUTH\"}", null).json());
        assertEquals(error(400, "Compulsory field type is missing."),
                client.callRaw("{\"operation\": \"LOGIN\", \"direction\": \"REQUEST\"}", null).json());
        assertEquals(error(407, "Wrong direction. Should be \\\"REQUEST\\\""),
                client.callRaw("{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"RESPONSE\"}", null).json());
        assertEquals(error(408, "Operation login is not allowed"),
                client.callRaw("{\"type\": \"AUTH\", \"operation\": \"login\", \"direction\": \"REQUEST\"}", null).json());
        assertEquals(error(409, "Type Request is not allowed"),
                client.callRaw("{\"type\": \"Request\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\"}", null).json());
        assertEquals(error(408, "Operation None is not allowed"),
                client.callRaw("{\"type\": \"AUTH\", \"operation\": null, \"direction\": \"REQUEST\"}", null).json());
        assertEquals(error(409, "Type True is not allowed"),
                client.callRaw("{\"type\": true, \"operation\": \"LOGIN\", \"direction\": \"REQUEST\"}", null).json());
        assertEquals(error(408, "Operation LIST is not allowed"), client.callRaw(
                "{\"type\": \"FILE\", \"operation\": \"LIST\", \"direction\": \"REQUEST\"}", null).json(),
                "LIST is an extension: a classic request cannot use it");
        assertEquals("{\"operation\": \"LOGIN\", \"direction\": \"RESPONSE\", \"status\": 401, "
                + "\"status_msg\": \"\\\"Password error for login.\", \"type\": \"AUTH\"}",
                client.callRaw("{\"type\": \"AUTH\", \"operation\": \"LOGIN\", \"direction\": \"REQUEST\", "
                        + "\"username\": \"2254001\", \"password\": \"nope\"}", null).json());
        assertEquals("{\"operation\": \"SAVE\", \"direction\": \"RESPONSE\", \"status\": 403, "
                + "\"status_msg\": \"No token.\", \"type\": \"AUTH\"}",
                client.callRaw("{\"type\": \"FILE\", \"operation\": \"SAVE\", \"direction\": \"REQUEST\", \"size\": 1}", null)
                        .json());
        assertEquals("{\"operation\": \"3BODY\", \"direction\": \"RESPONSE\", \"status\": 333, "
                + "\"status_msg\": \"DO NOT ANSWER! DO NOT ANSWER! DO NOT ANSWER!\", \"type\": \"DANGEROUS\"}",
                client.callRaw("{\"direction\": \"EARTH\"}", null).json());
    }

    @Test
    void uploadChecksComeInTheReferenceOrder() throws IOException {
        String token = login();
        String up = "{\"type\": \"FILE\", \"operation\": \"UPLOAD\", \"direction\": \"REQUEST\", \"token\": \"" + token + "\"";
        assertEquals(fileError("UPLOAD", 410, "Field \\\"key\\\" is missing for FILE uploading."),
                client.callRaw(up + "}", null).json());
        assertEquals(fileError("UPLOAD", 408, "The \\\"key\\\" k is not accepted for uploading."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": 0}", new byte[5]).json());
        client.callRaw("{\"type\": \"FILE\", \"operation\": \"SAVE\", \"direction\": \"REQUEST\", \"token\": \"" + token
                + "\", \"key\": \"k\", \"size\": 30000}", null);
        assertEquals(fileError("UPLOAD", 410, "The \\\"block_index\\\" is compulsory."),
                client.callRaw(up + ", \"key\": \"k\"}", null).json());
        assertEquals(fileError("UPLOAD", 405, "The \\\"block_index\\\" exceed the max index."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": 2}", new byte[5]).json());
        assertEquals(fileError("UPLOAD", 410, "The \\\"block_index\\\" should >= 0."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": -1}", new byte[5]).json());
        assertEquals(fileError("UPLOAD", 406, "The \\\"block_size\\\" is wrong."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": 1}", new byte[9521]).json());
        assertEquals(fileError("UPLOAD", 406, "The \\\"block_size\\\" is wrong."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": 0}", new byte[20479]).json());
        String getDownload = "{\"type\": \"FILE\", \"operation\": \"DOWNLOAD\", \"direction\": \"REQUEST\", \"token\": \""
                + token + "\", \"key\": \"k\", \"block_index\": 0}";
        assertEquals(fileError("GET", 404, "The \\\"key\\\" k is not completely uploaded. Please upload it first"),
                client.callRaw(getDownload, null).json());
        assertEquals(fileError("GET", 404, "The \\\"key\\\" k is not completely uploaded. The tmp files are deleted."),
                client.callRaw("{\"type\": \"FILE\", \"operation\": \"DELETE\", \"direction\": \"REQUEST\", \"token\": \""
                        + token + "\", \"key\": \"k\"}", null).json());
        assertEquals(fileError("UPLOAD", 408, "The \\\"key\\\" k is not accepted for uploading."),
                client.callRaw(up + ", \"key\": \"k\", \"block_index\": 0}", new byte[20480]).json());
    }

    private static String error(int status, String message) {
        return "{\"operation\": \"ERROR\", \"direction\": \"RESPONSE\", \"status\": " + status + ", \"status_msg\": \""
                + message + "\", \"type\": \"ERROR\"}";
    }

    private static String fileError(String operation, int status, String message) {
        return "{\"operation\": \"" + operation + "\", \"direction\": \"RESPONSE\", \"status\": " + status
                + ", \"status_msg\": \"" + message + "\", \"type\": \"FILE\"}";
    }
}
