package org.fita.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.fita.protocol.BatchOutcome;
import org.fita.protocol.Blocks;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Frame;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Requests;
import org.fita.protocol.Status;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;
import org.fita.server.ConnectionInfo;
import org.fita.server.RequestEvent;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;
import org.fita.server.auth.Authenticator;
import org.junit.jupiter.api.AfterAll;

/**
 * Sends fuzzer-built requests to a real {@link StepServer} on 127.0.0.1, one connection per input.
 *
 * <p>The last byte of an input picks the mode. Structured mode builds JSON objects from the STEP
 * vocabulary with a {@link FuzzedDataProvider} and frames them correctly, one request at a time.
 * Raw mode sends the input's bytes as they are, pipelined, after putting a valid token in place of
 * the token of STEP-PROTOCOL section 12 wherever a frame's JSON carries it; the golden packets are
 * its seeds.
 *
 * <p>Oracle: every complete, well-formed frame gets a well-framed reply with a known status other
 * than 500, until a reply that closes the connection (BYE, or 413 for a frame over the limits); the
 * server closes only after such a reply or after a malformed frame; a BATCH_GET's reply matches its
 * request entry by entry and carries exactly the bytes of its "ok" files; it never logs an ERROR (how it
 * reports an unexpected exception) nor closes a connection as a "server failure"; it never touches
 * a file outside its root; and a fresh client can log in after each input.
 */
class ServerRequestFuzzTest {
    /** Room for a BATCH_GET of 65 entries (about 60 bytes each), so that the count limit is reachable. */
    private static final int MAX_JSON = 8192;
    private static final int MAX_BLOCK = Blocks.CLASSIC_BLOCK_SIZE;
    private static final long MAX_FILE = 256 * 1024;
    /** The most bytes one BATCH_GET may ask for on this server: 4 MiB, or the largest binary part if lower. */
    private static final int MAX_BATCH_BYTES = Math.min(Extensions.MAX_BATCH_BYTES, MAX_BLOCK);
    private static final int REPLY_TIMEOUT_MS = 10_000;
    /** A server log line at level ERROR: date, time, level, message. */
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile("\\S+ \\S+ ERROR ");
    /** -Dfita.fuzz.trace=true prints every request and the status of its reply. */
    private static final boolean TRACE = Boolean.getBoolean("fita.fuzz.trace");
    /** The token of STEP-PROTOCOL 12.2 (user 2254001, classic secret): raw seeds carry it. */
    static final String GOLDEN_TOKEN = "MjI1NDAwMS4yMDI2MTEyNDA5MDQzNy5sb2dpbi4wMmY3NGRhZjcwMDRhMjljZjIxZDYyZjQ4NjY4MDE0ZA==";

    /** Stands for a request the test could not predict (raw bytes the server may read differently). */
    private static final JsonObject UNKNOWN = new JsonObject();
    private static final String[] TYPES = {"FILE", "DATA", "AUTH", "ERROR", "DANGEROUS", "file"};
    private static final String[] OPERATIONS = {"SAVE", "UPLOAD", "GET", "DOWNLOAD", "DELETE", "LOGIN", "BYE", "LIST",
        "ERROR", "3BODY", "login", "BATCH_GET", "batch_get"};
    private static final String[] DIRECTIONS = {"REQUEST", "RESPONSE", "EARTH", "request"};
    private static final String[] KEYS = {"demo.bin", "k0", "k1", "a/b.txt", "\u6570\u636e1", "x.log", "k0.log", "../x",
        "/etc/passwd", ".", "..", "a//b", "a/", "", "a\u0000b", "\u202efdp.exe", "photos/2024/cat.jpg"};
    private static final String[] USERS = {"fuzz", "2254001", "", "a/b", "..", "a.b", "\u6570\u636e", "root",
        "x".repeat(129)};
    private static final long[] SIZES = {0, 1, 4095, 4096, 9040, 20479, 20480, 20481, 50000, MAX_FILE, MAX_FILE + 1, -1,
        Long.MAX_VALUE, Long.MIN_VALUE};
    private static final long[] INDEXES = {0, 1, 2, 3, 12, -1, Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE};
    private static final long[] BLOCK_SIZES = {4096, 4095, 8192, 20480, 20481, 1 << 24, 0, -1};
    private static final String[] FIELDS = {Fields.TYPE, Fields.OPERATION, Fields.DIRECTION, Fields.TOKEN, Fields.KEY,
        Fields.SIZE, Fields.BLOCK_INDEX, Fields.USERNAME, Fields.PASSWORD, Fields.FITA_VERSION, Fields.BLOCK_SIZE,
        Fields.RESUME, Fields.REPLACE, Fields.WANT_CRC32C, Fields.BLOCK_CRC32C, Fields.PREFIX, Fields.AFTER,
        Fields.LIMIT, Fields.STATUS, Fields.TOTAL_BLOCK, Fields.MD5, Fields.INLINE, Fields.FILES};
    /** Sizes of BATCH_GET entries: the edges of this server's batch limit and of the 4 MiB one, and overflow. */
    private static final long[] BATCH_SIZES = {0, 1, 5, MAX_BATCH_BYTES / 64, MAX_BATCH_BYTES / 2, MAX_BATCH_BYTES / 2 + 1,
        MAX_BATCH_BYTES, MAX_BATCH_BYTES + 1, Extensions.MAX_BATCH_BYTES, Extensions.MAX_BATCH_BYTES + 1, -1,
        Long.MAX_VALUE, Long.MIN_VALUE};
    /** Counts of BATCH_GET entries: none, one, the limit and one more. */
    private static final int[] BATCH_COUNTS = {0, 1, 2, 3, Extensions.MAX_BATCH_FILES, Extensions.MAX_BATCH_FILES + 1};
    /** Stands for "the MD5 of this request's binary part", filled in once the payload is built (inline FILE SAVE). */
    private static final String PAYLOAD_MD5 = "md5-of-the-payload";
    private static final String PAYLOAD_MD5_UPPER = "MD5-OF-THE-PAYLOAD";

    private static Path base;
    private static Path root;
    private static StepServer server;
    private static int port;
    private static String fuzzToken;
    private static String otherToken;
    private static final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /**
     * Starts the server on the first input, not in a {@code @BeforeAll}: Jazzer installs its agent just
     * before the first input, and the server's classes must load after it to be instrumented.
     */
    private static void startServerOnce() throws IOException {
        if (fuzzToken != null) {
            return;
        }
        stopServer();
        base = Files.createTempDirectory("fita-fuzz").toRealPath();
        root = Files.createDirectory(base.resolve("root"));
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(TRACE)
                .idleTimeout(Duration.ofSeconds(3)).maxJsonBytes(MAX_JSON).maxBlockSize(MAX_BLOCK)
                .maxFileSize(MAX_FILE).maxConnections(16).passwordIterations(1000).directIo(false).build();
        server = StepServer.start(config, new ServerListener() {
            @Override
            public void logged(String line) {
                // Unexpected exceptions are logged at level ERROR ("failed answering ...", "failed serving ...").
                if (ERROR_LINE.matcher(line).lookingAt()) {
                    failures.add(line);
                }
            }

            @Override
            public void connectionClosed(ConnectionInfo connection, String reason) {
                if (reason.startsWith("server failure")) {
                    failures.add("connection #" + connection.id() + " closed by " + reason);
                }
            }

            @Override
            public void requestHandled(RequestEvent event) {
                if (event.status() == Status.SERVER_ERROR.code()) {
                    failures.add("500 reply to " + event.type() + " " + event.operation() + ": " + event.message());
                }
            }
        });
        port = server.port();
        otherToken = login("2254001");
        fuzzToken = login("fuzz"); // last: marks the start as complete
    }

    @AfterAll
    static void stopServer() throws IOException {
        fuzzToken = null;
        if (server != null) {
            server.close();
            server = null;
        }
        if (base != null) {
            try (Stream<Path> all = Files.walk(base)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            base = null;
        }
    }

    /**
     * Jazzer's bug detectors, set for each input (Jazzer resets them when fuzzing starts): connections
     * only to this server; files only under the base folder (the root, or this test's own files), and
     * what the kernel says under /proc (the server reads the boot id and its file descriptor limit).
     */
    private static SilentCloseable allowFiles() {
        Path proc = Path.of("/proc");
        return BugDetectors.setFilePathTraversalAllowPath(p -> {
            Path normal = p.toAbsolutePath().normalize();
            // Before the base folder exists (while it is made) nothing else runs.
            return base == null || normal.startsWith(base) || normal.startsWith(proc);
        });
    }

    private static SilentCloseable allowNetwork() {
        return BugDetectors.allowNetworkConnections((host, p) -> p == port
                && ("127.0.0.1".equals(host) || "localhost".equals(host)));
    }

    @FuzzTest
    void answersEveryRequest(FuzzedDataProvider data) throws IOException {
        try (SilentCloseable files = allowFiles(); SilentCloseable network = allowNetwork()) {
            startServerOnce();
            answer(data);
        }
    }

    private void answer(FuzzedDataProvider data) throws IOException {
        failures.clear();
        Session session = new Session();
        try {
            if (data.consumeBoolean()) {
                session.raw(data.consumeRemainingAsBytes());
            } else {
                session.structured(data);
            }
        } finally {
            session.close();
        }
        assertNoFailures("the input");
        cleanUpAndCheckLogin(session.created);
        assertNoFailures("the clean-up after the input");
        try (Stream<Path> top = Files.list(base)) {
            assertEquals(List.of(root), top.toList(), "something was written beside the server's root");
        }
    }

    private static void assertNoFailures(String when) {
        if (!failures.isEmpty()) {
            fail("The server reported a failure during " + when + ":\n" + String.join("\n", failures));
        }
    }

    /** A stored thing the input made, to delete afterwards: keeps the server's state small and inputs independent. */
    private record Created(String token, String type, String key) {
    }

    /** Logs in on a fresh connection (the server must still serve) and deletes what the input stored. */
    private static void cleanUpAndCheckLogin(Set<Created> created) throws IOException {
        try (Client c = new Client()) {
            StepMessage reply = c.call(Requests.login("fuzz", Authenticator.md5Hex("fuzz")), null);
            assertEquals(Status.OK.code(), reply.status(), "a fresh client cannot log in after the input: " + reply);
            for (Created x : created) {
                JsonObject delete = "DATA".equals(x.type()) ? Requests.of(MessageType.DATA, Operation.DELETE)
                        : Requests.fileDelete(x.token(), x.key());
                delete.addProperty(Fields.TOKEN, x.token());
                delete.addProperty(Fields.KEY, x.key());
                StepMessage r = c.call(delete, null);
                assertTrue(r.status() == 200 || r.status() == 404 || r.status() == 403, "clean-up: " + r);
            }
        }
    }

    private static String login(String user) throws IOException {
        try (Client c = new Client()) {
            StepMessage reply = c.call(Requests.login(user, Authenticator.md5Hex(user)), null);
            assertEquals(Status.OK.code(), reply.status(), reply.toString());
            return reply.string(Fields.TOKEN).orElseThrow();
        }
    }

    /** A file an input stored (inline, or by its last block), as a BATCH_GET names it. */
    private record Stored(long size, String md5) {
    }

    /** One input's connection and what it learned: tokens from LOGIN replies, upload plans, stored keys and files. */
    private static final class Session implements AutoCloseable {
        final Client client;
        final Set<Created> created = new LinkedHashSet<>();
        final Map<String, long[]> plans = new LinkedHashMap<>();
        final Map<String, Stored> stored = new LinkedHashMap<>();
        String lastToken;

        Session() throws IOException {
            client = new Client();
        }

        /** Sends the bytes as they are, pipelined, then reads replies until the server closes. */
        void raw(byte[] bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
            List<JsonObject> requests = new ArrayList<>();
            boolean unpredictable = false;
            int at = 0;
            while (at < bytes.length) {
                if (bytes.length - at < 8) {
                    break;
                }
                long n = ByteBuffer.wrap(bytes, at, 4).getInt() & 0xFFFF_FFFFL;
                long m = ByteBuffer.wrap(bytes, at + 4, 4).getInt() & 0xFFFF_FFFFL;
                if (n > MAX_JSON || m > MAX_BLOCK) {
                    requests.add(null); // answered with 413, then closed
                    break;
                }
                if (8 + n + m > bytes.length - at) {
                    // With its JSON whole, a frame cut short in its payload may still be answered (a refused UPLOAD).
                    unpredictable = 8 + n <= bytes.length - at;
                    break;
                }
                JsonObject json;
                byte[] text = java.util.Arrays.copyOfRange(bytes, at + 8, at + 8 + (int) n);
                try {
                    json = StepJson.decodeObject(text, (int) n);
                } catch (MalformedFrameException e) {
                    // Non-ASCII JSON may be read on as character-counted (STEP-PROTOCOL B2), and then answered.
                    for (byte b : text) {
                        unpredictable |= b < 0;
                    }
                    break;
                }
                byte[] payload = java.util.Arrays.copyOfRange(bytes, at + 8 + (int) n, at + 8 + (int) (n + m));
                if (json.has(Fields.TOKEN) && json.get(Fields.TOKEN).isJsonPrimitive()
                        && GOLDEN_TOKEN.equals(json.get(Fields.TOKEN).getAsString())) {
                    json.addProperty(Fields.TOKEN, otherToken);
                }
                out.writeBytes(FrameWriter.encode(json, payload));
                requests.add(json);
                at += 8 + (int) (n + m);
            }
            out.write(bytes, at, bytes.length - at);
            client.sendAndShutdown(out.toByteArray());
            List<Frame> replies = client.readUntilClosed();
            // Frames up to the first malformed one must be answered; that one may close the connection silently.
            checkReplies(requests, replies, requests.size(), unpredictable);
        }

        /** Builds up to five requests from the vocabulary, stop-and-wait. */
        void structured(FuzzedDataProvider data) throws IOException {
            int count = data.consumeInt(1, 5);
            for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
                // One request in four is a well-formed FiTA FILE SAVE (inline) or BATCH_GET: the chance that the
                // fields picked one by one make one is too small to reach a batch of files stored before it.
                JsonObject json = data.consumeInt(0, 3) == 0 ? fitaFileRequest(data) : request(data);
                byte[] payload = payload(data, json);
                byte[] frame = FrameWriter.encode(json, payload);
                client.send(frame);
                Frame reply = client.readReply();
                List<JsonObject> one = new ArrayList<>();
                boolean overLimit = frame.length - 8 - payload.length > MAX_JSON || payload.length > MAX_BLOCK;
                one.add(overLimit ? null : json);
                checkReplies(one, reply == null ? List.of() : List.of(reply), 1, false);
                if (reply == null || closes(reply)) {
                    return;
                }
            }
            client.shutdownOutput();
            assertTrue(client.readUntilClosed().isEmpty(), "a reply nobody asked for");
        }

        /**
         * Checks the replies to {@code requests} (null for one over the limits): each is well formed, and
         * the first {@code mustAnswer} requests are answered unless an earlier reply closed the connection.
         * With {@code moreMayFollow}, replies to frames the test could not predict may come after them.
         */
        void checkReplies(List<JsonObject> requests, List<Frame> replies, int mustAnswer, boolean moreMayFollow) {
            assertTrue(replies.size() <= requests.size() || moreMayFollow,
                    replies.size() + " replies to " + requests.size() + " requests");
            boolean closed = false;
            for (int i = 0; i < replies.size(); i++) {
                assertTrue(!closed, "a reply after the one that closed the connection");
                JsonObject request = i < requests.size() ? requests.get(i) : UNKNOWN;
                Frame reply = replies.get(i);
                if (TRACE) {
                    System.out.println(request + "\n  -> " + reply.message().status() + " " + reply.message().statusMessage());
                }
                checkReply(request, reply);
                learn(request, reply);
                closed = closes(reply);
            }
            if (!closed && replies.size() < mustAnswer) {
                fail("The server closed the connection without answering request " + (replies.size() + 1) + " of "
                        + requests.size() + ": " + StepJson.toText(requests.get(replies.size())));
            }
        }

        void learn(JsonObject request, Frame reply) {
            StepMessage r = reply.message();
            if (request == null || !r.isOk()) {
                return;
            }
            StepMessage q = new StepMessage(request);
            String op = r.operation();
            String type = r.type();
            if ("LOGIN".equals(op)) {
                lastToken = r.string(Fields.TOKEN).orElse(lastToken);
            }
            String key = r.key();
            String token = q.token();
            if (key != null && token != null && ("SAVE".equals(op) || "UPLOAD".equals(op))) {
                created.add(new Created(token, type, key));
                String md5 = r.string(Fields.MD5).orElse(null);
                if ("SAVE".equals(op) && "FILE".equals(type)) {
                    if (r.json().has(Fields.BLOCK_SIZE)) {
                        plans.put(key, new long[] {r.integer(Fields.SIZE).orElse(0), r.integer(Fields.BLOCK_SIZE).orElse(1)});
                    } else if (md5 != null) {
                        stored.put(key, new Stored(r.integer(Fields.SIZE).orElse(0), md5)); // stored inline
                    }
                } else if ("UPLOAD".equals(op) && md5 != null && plans.containsKey(key)) {
                    stored.put(key, new Stored(plans.get(key)[0], md5)); // the block that completed the file
                }
            }
            if ("DELETE".equals(op) && "FILE".equals(type) && q.key() != null) {
                stored.remove(q.key());
            }
        }

        JsonObject request(FuzzedDataProvider d) {
            JsonObject o = new JsonObject();
            // Mostly the three compulsory fields; the other known fields each now and then.
            int present = d.consumeInt();
            for (int f = 0; f < FIELDS.length; f++) {
                boolean usual = f < 5;
                boolean on = ((present >>> f) & 1) == (usual ? 0 : 1);
                if (on) {
                    o.add(FIELDS[f], value(d, FIELDS[f], o));
                }
            }
            int extra = d.consumeInt(0, 2);
            for (int i = 0; i < extra; i++) {
                o.add(d.consumeString(12), anyValue(d, 2));
            }
            return o;
        }

        /** A FILE SAVE with "inline" or a BATCH_GET, with a valid token and fita_version; its other fields fuzzed. */
        JsonObject fitaFileRequest(FuzzedDataProvider d) {
            JsonObject o = new JsonObject();
            o.addProperty(Fields.TYPE, "FILE");
            boolean save = d.consumeBoolean();
            o.addProperty(Fields.OPERATION, save ? "SAVE" : "BATCH_GET");
            o.addProperty(Fields.DIRECTION, "REQUEST");
            o.addProperty(Fields.TOKEN, token(d, d.consumeInt(0, 4)));
            o.addProperty(Fields.FITA_VERSION, 1);
            if (save) {
                o.addProperty(Fields.KEY, d.consumeBoolean() ? "k" + d.consumeInt(0, 3) : d.pickValue(KEYS));
                // Mostly small files, so that many fit in one batch.
                o.addProperty(Fields.SIZE, d.consumeInt(0, 3) == 0 ? d.pickValue(SIZES) : d.consumeLong(0, 600));
                o.add(Fields.INLINE, value(d, Fields.INLINE, o));
                o.add(Fields.MD5, value(d, Fields.MD5, o));
                if (d.consumeInt(0, 3) == 0) {
                    o.add(Fields.REPLACE, value(d, Fields.REPLACE, o));
                }
            } else {
                o.add(Fields.FILES, batchFiles(d, d.consumeInt(0, 13)));
            }
            return o;
        }

        JsonElement value(FuzzedDataProvider d, String field, JsonObject sofar) {
            int kind = d.consumeInt(0, 15);
            if (kind == 15) {
                return anyValue(d, 2);
            }
            if (kind == 14) {
                return new JsonPrimitive(d.consumeString(40));
            }
            return switch (field) {
                case Fields.TYPE -> new JsonPrimitive(d.pickValue(TYPES));
                case Fields.OPERATION -> new JsonPrimitive(d.pickValue(OPERATIONS));
                case Fields.DIRECTION -> new JsonPrimitive(d.pickValue(DIRECTIONS));
                case Fields.TOKEN -> new JsonPrimitive(token(d, kind));
                case Fields.KEY -> new JsonPrimitive(kind < 9 ? d.pickValue(KEYS) : "k" + d.consumeInt(0, 3));
                case Fields.SIZE, Fields.LIMIT, Fields.STATUS, Fields.TOTAL_BLOCK -> kind < 10
                        ? new JsonPrimitive(d.pickValue(SIZES)) : kind < 12 ? new JsonPrimitive(d.consumeLong(-2, MAX_FILE + 2))
                        : new JsonPrimitive(1.5);
                case Fields.BLOCK_INDEX -> kind < 8 ? new JsonPrimitive(d.consumeLong(-1, 13))
                        : kind < 12 ? new JsonPrimitive(d.pickValue(INDEXES)) : new JsonPrimitive(1.0);
                case Fields.USERNAME -> new JsonPrimitive(kind < 10 ? d.pickValue(USERS) : d.consumeString(20));
                case Fields.PASSWORD -> {
                    JsonElement user = sofar.get(Fields.USERNAME);
                    boolean classic = kind < 11 && user != null && user.isJsonPrimitive() && user.getAsJsonPrimitive().isString();
                    yield new JsonPrimitive(classic ? Authenticator.md5Hex(user.getAsString()) : d.consumeString(34));
                }
                case Fields.FITA_VERSION -> new JsonPrimitive(kind < 10 ? 1 : d.consumeLong());
                case Fields.BLOCK_SIZE -> new JsonPrimitive(kind < 10 ? d.pickValue(BLOCK_SIZES) : d.consumeLong());
                case Fields.RESUME, Fields.REPLACE, Fields.WANT_CRC32C -> kind < 10 ? new JsonPrimitive(d.consumeBoolean()) : new JsonPrimitive(kind);
                case Fields.BLOCK_CRC32C -> new JsonPrimitive(kind < 8 ? "crc" : kind < 12 ? "00000000" : "zzzzzzzz");
                case Fields.MD5 -> new JsonPrimitive(md5(d, kind));
                case Fields.INLINE -> kind < 8 ? new JsonPrimitive(true) : kind < 10 ? new JsonPrimitive(false)
                        : kind < 12 ? new JsonPrimitive("true") : new JsonPrimitive(1);
                case Fields.FILES -> batchFiles(d, kind);
                default -> new JsonPrimitive(kind < 8 ? d.pickValue(KEYS) : d.consumeString(30));
            };
        }

        /** An inline FILE SAVE's md5: mostly its binary part's (either case), else wrong, a stored file's, or no MD5 at all. */
        String md5(FuzzedDataProvider d, int kind) {
            return switch (kind) {
                case 0, 1, 2, 3, 4 -> PAYLOAD_MD5;
                case 5 -> PAYLOAD_MD5_UPPER;
                case 6, 7 -> "0".repeat(32);
                case 8 -> stored.isEmpty() ? "f".repeat(32) : d.pickValue(List.copyOf(stored.values())).md5();
                case 9 -> "0".repeat(31);
                case 10 -> "0".repeat(33);
                case 11 -> "g".repeat(32);
                default -> d.pickValue(KEYS);
            };
        }

        /**
         * A BATCH_GET's "files": none, one, a few, the limit (64) or one more, each a file this input stored
         * (as stored, or with another size or MD5), a file that is not there, a key against the rules, sizes at
         * the byte limits, an entry with a field missing or of another type, or no object at all.
         */
        JsonElement batchFiles(FuzzedDataProvider d, int kind) {
            if (kind == 13) {
                return new JsonPrimitive("[]"); // not an array
            }
            int count = kind < 6 ? d.pickValue(BATCH_COUNTS) : d.consumeInt(0, 8);
            JsonArray files = new JsonArray();
            for (int i = 0; i < count; i++) {
                files.add(batchEntry(d));
            }
            return files;
        }

        JsonElement batchEntry(FuzzedDataProvider d) {
            int kind = d.consumeInt(0, 15);
            if (kind < 6 && !stored.isEmpty()) {
                // A key named many times is allowed: 64 entries of one small file make a full batch.
                String key = d.pickValue(List.copyOf(stored.keySet()));
                Stored f = stored.get(key);
                return switch (kind) {
                    case 3 -> batchEntry(key, f.size(), f.md5().toUpperCase(java.util.Locale.ROOT));
                    case 4 -> batchEntry(key, f.size() + d.pickValue(new long[] {1, -1, MAX_BATCH_BYTES}), f.md5());
                    case 5 -> batchEntry(key, f.size(), "0".repeat(32));
                    default -> batchEntry(key, f.size(), f.md5());
                };
            }
            String key = kind < 9 ? d.pickValue(KEYS) : "k" + d.consumeInt(0, 3);
            JsonObject entry = batchEntry(key, d.pickValue(BATCH_SIZES), d.consumeBoolean() ? "0".repeat(32)
                    : "d41d8cd98f00b204e9800998ecf8427e");
            if (kind < 11) {
                return entry; // not there, against the key rules, or over the byte limits
            }
            if (kind < 14) {
                String field = d.pickValue(new String[] {Fields.KEY, Fields.SIZE, Fields.MD5});
                if (d.consumeBoolean()) {
                    entry.remove(field);
                } else {
                    entry.add(field, field.equals(Fields.MD5) && d.consumeBoolean() ? new JsonPrimitive(md5(d, 9 + kind % 3))
                            : anyValue(d, 1));
                }
                return entry;
            }
            return anyValue(d, 2);
        }

        private static JsonObject batchEntry(String key, long size, String md5) {
            JsonObject o = new JsonObject();
            o.addProperty(Fields.KEY, key);
            o.addProperty(Fields.SIZE, size);
            o.addProperty(Fields.MD5, md5);
            return o;
        }

        String token(FuzzedDataProvider d, int kind) {
            return switch (kind % 8) {
                case 0, 1, 2 -> fuzzToken;
                case 3 -> lastToken != null ? lastToken : otherToken;
                case 4 -> otherToken;
                case 5 -> GOLDEN_TOKEN;
                case 6 -> { // a valid token with one character changed or cut
                    int at = d.consumeInt(0, fuzzToken.length() - 1);
                    yield d.consumeBoolean() ? fuzzToken.substring(0, at) : fuzzToken.substring(0, at) + d.consumeChar()
                            + fuzzToken.substring(at + 1);
                }
                default -> "fita1." + java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(d.consumeString(10).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "." + d.consumeLong() + "." + d.consumeAsciiString(43);
            };
        }

        JsonElement anyValue(FuzzedDataProvider d, int depth) {
            int kind = d.consumeInt(0, depth > 0 ? 8 : 6);
            return switch (kind) {
                case 0 -> JsonNull.INSTANCE;
                case 1 -> new JsonPrimitive(d.consumeBoolean());
                case 2 -> new JsonPrimitive(d.consumeLong());
                case 3 -> new JsonPrimitive(d.consumeRegularDouble());
                // At most 64 bits: Gson 2.13.2 rejects some longer integers in strict mode (docs/FUZZING.md, known issues).
                case 4 -> new JsonPrimitive(new java.math.BigInteger(1, d.consumeBytes(8)));
                case 5, 6 -> new JsonPrimitive(d.consumeString(24));
                case 7 -> {
                    JsonArray a = new JsonArray();
                    int n = d.consumeInt(0, 3);
                    for (int i = 0; i < n; i++) {
                        a.add(anyValue(d, depth - 1));
                    }
                    yield a;
                }
                default -> {
                    JsonObject o = new JsonObject();
                    int n = d.consumeInt(0, 3);
                    for (int i = 0; i < n; i++) {
                        o.add(d.consumeString(8), anyValue(d, depth - 1));
                    }
                    yield o;
                }
            };
        }

        /**
         * The binary part: mostly the length an UPLOAD needs, by the plans this input received, or the
         * {@code size} of an inline FILE SAVE.
         */
        byte[] payload(FuzzedDataProvider d, JsonObject json) {
            StepMessage m = new StepMessage(json);
            int kind = d.consumeInt(0, 7);
            int length;
            long[] plan = m.key() != null ? plans.get(m.key()) : null;
            long index = m.integer(Fields.BLOCK_INDEX).orElse(-1);
            long inlineSize = m.bool(Fields.INLINE).orElse(false) ? m.integer(Fields.SIZE).orElse(-1) : -1;
            if (kind < 4 && inlineSize >= 0 && inlineSize <= MAX_BLOCK + 1) {
                length = (int) inlineSize;
            } else if (kind < 4 && plan != null && index >= 0) {
                length = Blocks.length(plan[0], (int) plan[1], index);
            } else if (kind < 5) {
                length = 0;
            } else if (kind < 7) {
                length = d.consumeInt(0, MAX_BLOCK + 1);
            } else {
                length = d.pickValue(new int[] {1, 9040, 4096, MAX_BLOCK});
            }
            byte[] payload = new byte[length];
            byte seed = d.consumeByte();
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (seed + i * 31 + (i >>> 8));
            }
            if (json.has(Fields.BLOCK_CRC32C) && "crc".equals(m.string(Fields.BLOCK_CRC32C).orElse(null))) {
                CRC32C crc = new CRC32C();
                crc.update(payload);
                json.addProperty(Fields.BLOCK_CRC32C, String.format("%08x", crc.getValue()));
            }
            String md5 = m.string(Fields.MD5).orElse("");
            if (md5.equals(PAYLOAD_MD5) || md5.equals(PAYLOAD_MD5_UPPER)) {
                String hex = md5Hex(payload, 0, payload.length);
                json.addProperty(Fields.MD5, md5.equals(PAYLOAD_MD5) ? hex : hex.toUpperCase(java.util.Locale.ROOT));
            }
            return payload;
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    private static boolean closes(Frame reply) {
        StepMessage r = reply.message();
        return "BYE".equals(r.operation()) && r.isOk() || r.status() == Status.TOO_LARGE.code() && "ERROR".equals(r.operation());
    }

    /**
     * A reply is a JSON object with the fields every reply has, a known status, and a payload only for a
     * block or a batch; a batch is checked against its request ({@link #checkBatch}).
     */
    private static void checkReply(JsonObject request, Frame reply) {
        StepMessage r = reply.message();
        String context = " (reply " + r + " to " + request + ")";
        assertEquals("RESPONSE", r.direction(), "direction" + context);
        assertTrue(r.operation() != null && r.type() != null && r.json().has(Fields.STATUS_MSG)
                && r.json().get(Fields.STATUS_MSG).isJsonPrimitive(), "operation, type and status_msg" + context);
        Status status = Status.of(r.status());
        assertTrue(status != null, "unknown status" + context);
        assertTrue(status != Status.SERVER_ERROR && status != Status.INSUFFICIENT_STORAGE, "server failure" + context);
        if (request == null) {
            assertEquals(Status.TOO_LARGE, status, "a frame over the limits" + context);
        }
        boolean batch = "BATCH_GET".equals(r.operation()) && r.isOk();
        if (reply.payload().length > 0) {
            assertTrue("DOWNLOAD".equals(r.operation()) && r.isOk() || batch,
                    "binary part on a reply that is no block or batch" + context);
            if (!batch) {
                assertEquals(reply.payload().length, r.integer(Fields.SIZE).orElse(-1), "block size field" + context);
            }
        }
        if (batch) {
            checkBatch(request, reply, context);
        }
    }

    /**
     * A BATCH_GET 200: only for 1 to 64 files of at most the batch limit together; one entry per file asked
     * for, in order, with the key asked for and a known outcome; an "ok" entry has the size and MD5 asked
     * for, a "changed" one differs in one of them, a "not_found" one has neither; the binary part is the
     * bytes of the "ok" files one after another, nothing more, and each file's bytes have its MD5.
     */
    private static void checkBatch(JsonObject request, Frame reply, String context) {
        StepMessage r = reply.message();
        byte[] bytes = reply.payload();
        assertTrue(bytes.length <= MAX_BATCH_BYTES, "a batch over the byte limit" + context);
        assertTrue(r.json().get(Fields.FILES) instanceof JsonArray, "\"files\" of a batch" + context);
        JsonArray entries = r.json().getAsJsonArray(Fields.FILES);
        JsonArray asked = request != null && request.get(Fields.FILES) instanceof JsonArray a ? a : null;
        if (asked != null) {
            assertTrue(asked.size() >= 1 && asked.size() <= Extensions.MAX_BATCH_FILES, "a batch of " + asked.size()
                    + " files answered" + context);
            assertEquals(asked.size(), entries.size(), "one entry per file asked for" + context);
            long askedBytes = 0;
            for (JsonElement e : asked) {
                askedBytes += Math.min(new StepMessage(e.getAsJsonObject()).integer(Fields.SIZE).orElseThrow(),
                        MAX_BATCH_BYTES + 1L);
            }
            assertTrue(askedBytes <= MAX_BATCH_BYTES, "a batch of " + askedBytes + " bytes answered" + context);
        }
        int offset = 0;
        for (int i = 0; i < entries.size(); i++) {
            assertTrue(entries.get(i).isJsonObject(), "entry " + i + " is no object" + context);
            StepMessage entry = new StepMessage(entries.get(i).getAsJsonObject());
            BatchOutcome outcome = BatchOutcome.ofWire(entry.string(Fields.OUTCOME).orElse("")).orElse(null);
            assertTrue(entry.key() != null && outcome != null, "entry " + i + ": key and outcome" + context);
            StepMessage wanted = asked == null ? null : new StepMessage(asked.get(i).getAsJsonObject());
            if (wanted != null) {
                assertEquals(wanted.key(), entry.key(), "entry " + i + " is for another key" + context);
            }
            long size = entry.integer(Fields.SIZE).orElse(-1);
            String md5 = entry.string(Fields.MD5).orElse(null);
            if (outcome == BatchOutcome.NOT_FOUND) {
                assertTrue(!entry.json().has(Fields.SIZE) && md5 == null, "entry " + i + ": not_found with a file" + context);
                continue;
            }
            assertTrue(size >= 0 && md5 != null, "entry " + i + ": size and md5" + context);
            boolean asAsked = wanted == null || size == wanted.integer(Fields.SIZE).orElseThrow()
                    && md5.equalsIgnoreCase(wanted.string(Fields.MD5).orElseThrow());
            if (outcome == BatchOutcome.CHANGED) {
                assertTrue(wanted == null || !asAsked, "entry " + i + ": changed, but as asked for" + context);
                continue;
            }
            assertTrue(asAsked, "entry " + i + ": ok, but not the size and MD5 asked for" + context);
            assertTrue(size <= bytes.length - offset, "entry " + i + ": its bytes are not in the binary part" + context);
            assertEquals(md5.toLowerCase(java.util.Locale.ROOT), md5Hex(bytes, offset, (int) size),
                    "entry " + i + ": bytes of another MD5" + context);
            offset += (int) size;
        }
        assertEquals(bytes.length, offset, "the binary part is more than the ok files' bytes" + context);
    }

    private static String md5Hex(byte[] bytes, int offset, int length) {
        try {
            java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
            md5.update(bytes, offset, length);
            return java.util.HexFormat.of().formatHex(md5.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** A plain STEP client over a socket with deadlines on every read. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final FrameReader reader;

        Client() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(REPLY_TIMEOUT_MS);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            reader = new FrameReader(in, new FrameLimits(1 << 20, MAX_BLOCK, false));
        }

        void send(byte[] bytes) throws IOException {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException closedByServer) {
                // The server may close early (a frame over the limit); what it answered is still read.
            }
        }

        void sendAndShutdown(byte[] bytes) throws IOException {
            send(bytes);
            shutdownOutput();
        }

        void shutdownOutput() {
            try {
                socket.shutdownOutput();
            } catch (IOException alreadyClosed) {
                // Nothing more to send anyway.
            }
        }

        /** The next reply, or null if the server closed the connection; fails if none comes in time. */
        Frame readReply() throws IOException {
            try {
                FrameReader.IncomingFrame frame = reader.next();
                return frame == null ? null : frame.toFrame();
            } catch (SocketTimeoutException e) {
                fail("No reply and no close within " + REPLY_TIMEOUT_MS + " ms");
                return null;
            } catch (MalformedFrameException e) {
                if (e.getMessage().contains("ended inside")) {
                    fail("The server closed the connection in the middle of a reply: " + e.getMessage());
                }
                fail("A reply that is not a well-formed frame: " + e.getMessage());
                return null;
            } catch (java.net.SocketException reset) {
                return null; // closed with unread requests: a reset instead of an orderly close
            }
        }

        List<Frame> readUntilClosed() throws IOException {
            List<Frame> replies = new ArrayList<>();
            Frame f;
            while ((f = readReply()) != null) {
                replies.add(f);
                assertTrue(replies.size() < 10_000, "endless replies");
            }
            return replies;
        }

        StepMessage call(JsonObject json, byte[] payload) throws IOException {
            send(FrameWriter.encode(json, payload));
            Frame reply = readReply();
            assertTrue(reply != null, "the server closed the connection instead of answering " + json);
            return reply.message();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
