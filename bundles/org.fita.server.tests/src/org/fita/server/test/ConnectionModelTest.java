package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.ConnectionInfo;
import org.fita.server.ServerListener;
import org.junit.jupiter.api.Test;

/**
 * The connection model on an open network: silent or half-sent connections cannot lock real
 * clients out, a client that stops reading loses its connection, and one address can be capped.
 */
class ConnectionModelTest {

    /** Closed connections and why, as the server reports them. */
    private static final class Closes implements ServerListener {
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void connectionClosed(ConnectionInfo connection, String reason) {
            reasons.add(reason);
        }

        long count(String part) {
            return reasons.stream().filter(r -> r.contains(part)).count();
        }
    }

    private static Socket rawConnection(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** True if the server closed the socket (EOF or reset) within the timeout. */
    private static boolean closedByServer(Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void waitFor(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + limit.toMillis() + " ms waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void hundredsOfSilentConnectionsDoNotKeepARealClientOut() throws Exception {
        int cap = 50;
        List<Socket> flood = new ArrayList<>();
        try (ServerFixture fixture = ServerFixture.start(b -> b.maxConnections(cap))) {
            try {
                for (int i = 0; i < 400; i++) {
                    Socket s = rawConnection(fixture.port());
                    if (i % 2 == 1) {
                        // Half a frame header: the server is left waiting for the rest.
                        s.getOutputStream().write(new byte[] {0, 0, 0});
                        s.getOutputStream().flush();
                    }
                    flood.add(s);
                }
                waitFor(() -> fixture.server.connections().size() == cap, Duration.ofSeconds(10),
                        "the server holds its cap of silent connections");
                byte[] file = TestFiles.random(300_000, 5);
                long started = System.nanoTime();
                try (StepClient real = fixture.client()) {
                    String token = real.login("u1");
                    assertEquals(TestFiles.md5(file), UploadTest.upload(real, token, "f.bin", file));
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 3000, "login and upload took " + millis + " ms");
                assertTrue(fixture.server.connections().size() <= cap, "never more than the cap");
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
        }
    }

    @Test
    void connectionsThatDoNotLogInAreClosedAfterTheGraceTime() throws Exception {
        Closes closes = new Closes();
        try (ServerFixture fixture = ServerFixture.start(b -> b.loginGraceTime(Duration.ofSeconds(1)), closes);
                StepClient loggedIn = fixture.client()) {
            String token = loggedIn.login("u1");
            List<Socket> halfHeaders = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = rawConnection(fixture.port());
                    s.getOutputStream().write(new byte[] {0, 0, 0, 0x40});
                    s.getOutputStream().flush();
                    halfHeaders.add(s);
                }
                long started = System.nanoTime();
                for (Socket s : halfHeaders) {
                    assertTrue(closedByServer(s, 5000), "a half-sent header is closed after the grace time");
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis >= 700 && millis < 4000, "closed after " + millis + " ms, with a grace time of 1 s");
            } finally {
                for (Socket s : halfHeaders) {
                    s.close();
                }
            }
            waitFor(() -> closes.count("login grace time of 1 s") == 20, Duration.ofSeconds(5), "all 20 are reported");
            // The logged-in connection is past its grace time too, and stays.
            assertEquals(404, loggedIn.call(Requests.fileGet(token, "nothing")).status());
        }
    }

    @Test
    void aConnectionUsingAValidTokenWithoutLoginCountsAsLoggedIn() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(b -> b.loginGraceTime(Duration.ofSeconds(1)));
                StepClient first = fixture.client(); StepClient second = fixture.client()) {
            String token = first.login("u1");
            // A FiTA client opens extra connections with the token it already has.
            assertEquals(404, second.call(Requests.fileGet(token, "nothing")).status());
            Thread.sleep(1600);
            assertEquals(404, second.call(Requests.fileGet(token, "nothing")).status());
        }
    }

    @Test
    void atTheCapTheOldestConnectionNotLoggedInMakesRoom() throws Exception {
        Closes closes = new Closes();
        try (ServerFixture fixture = ServerFixture.start(b -> b.maxConnections(3), closes);
                StepClient a = fixture.client()) {
            String token = a.login("a");
            try (StepClient b = fixture.client()) {
                waitFor(() -> fixture.server.connections().size() == 2, Duration.ofSeconds(5), "b is served");
                try (StepClient c = fixture.client()) {
                    waitFor(() -> fixture.server.connections().size() == 3, Duration.ofSeconds(5), "c is served");
                    try (StepClient d = fixture.client()) {
                        assertTrue(b.closedByServer(5000), "b, the oldest not logged in, made room");
                        assertFalse(c.closedByServer(300), "c, not logged in but newer, stays");
                        assertEquals(1, closes.count("made room for a new one"));
                        // Once everyone has logged in, nobody can be pushed out: the next is refused.
                        c.login("c");
                        d.login("d");
                        try (StepClient e = fixture.client()) {
                            StepMessage refused = e.call(Requests.login("e", org.fita.server.auth.Authenticator.md5Hex("e")));
                            assertEquals(429, refused.status());
                            assertTrue(refused.statusMessage().contains("limit of 3 connections"), refused.statusMessage());
                        }
                        assertEquals(404, a.call(Requests.fileGet(token, "x")).status());
                        assertEquals(404, c.call(Requests.fileGet(token, "x")).status());
                    }
                }
            }
        }
    }

    @Test
    void oneAddressCanBeCapped() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(b -> b.maxConnectionsPerAddress(2));
                StepClient one = fixture.client(); StepClient two = fixture.client()) {
            one.login("u1");
            two.login("u2");
            try (StepClient three = fixture.client()) {
                StepMessage refused = three.call(Requests.login("u3", org.fita.server.auth.Authenticator.md5Hex("u3")));
                assertEquals(429, refused.status());
                assertTrue(refused.statusMessage().startsWith("Your address already has 2 connections"),
                        refused.statusMessage());
            }
            // Another address (the whole of 127/8 is this machine) is not affected.
            try (StepClient other = new StepClient(fixture.port(), "127.0.0.2")) {
                other.login("u4");
            }
            one.close();
            waitFor(() -> fixture.server.connections().size() == 1, Duration.ofSeconds(5), "the close is seen");
            try (StepClient again = fixture.client()) {
                again.login("u5");
            }
        }
    }

    @Test
    void aClientThatNeverReadsItsRepliesIsClosedByTheWriteDeadline() throws Exception {
        Closes closes = new Closes();
        int bs = 1 << 20;
        byte[] file = TestFiles.random(bs, 3);
        try (ServerFixture fixture = ServerFixture.start(b -> b.writeTimeout(Duration.ofSeconds(1)), closes)) {
            String token;
            try (StepClient setup = fixture.client()) {
                StepMessage hello = setup.call(Requests.fita(Requests.login("u1", org.fita.server.auth.Authenticator.md5Hex("u1"))));
                token = hello.token();
                JsonObject save = Requests.fita(Requests.fileSave(token, "big", file.length));
                save.addProperty(Fields.BLOCK_SIZE, bs);
                assertEquals(200, setup.call(save).status());
                JsonObject up = Requests.fita(Requests.upload(token, "big", 0));
                assertEquals(200, setup.call(up, file).status());
            }
            try (Socket greedy = new Socket()) {
                greedy.setReceiveBufferSize(4096);
                greedy.connect(new InetSocketAddress("127.0.0.1", fixture.port()), 5000);
                // 64 MiB of replies asked for, none read.
                OutputStream out = greedy.getOutputStream();
                ByteArrayFrames frames = new ByteArrayFrames();
                for (int i = 0; i < 64; i++) {
                    JsonObject down = Requests.fita(Requests.download(token, "big", 0));
                    down.addProperty(Fields.BLOCK_SIZE, bs);
                    frames.add(down);
                }
                out.write(frames.bytes());
                out.flush();
                long started = System.nanoTime();
                waitFor(() -> closes.count("could not be written for 1 s") == 1, Duration.ofSeconds(10),
                        "the stuck connection is closed");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 5000, "closed after " + millis + " ms");
                waitFor(() -> fixture.server.connections().isEmpty(), Duration.ofSeconds(5), "its slot is free");
            }
            try (StepClient fresh = fixture.client()) {
                assertEquals(200, fresh.call(Requests.fileGet(token, "big")).status());
            }
        }
    }

    @Test
    void logLinesQuoteAndEscapeWhatClientsSend() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ServerListener sink = new ServerListener() {
            @Override
            public void logged(String line) {
                lines.add(line);
            }
        };
        try (ServerFixture fixture = ServerFixture.start(sink); StepClient c = fixture.client()) {
            JsonObject forged = Requests.login("eve", "x");
            forged.addProperty(Fields.OPERATION, "LOGIN\n2026-12-02 10:00:00.000 INFO  #1 AUTH LOGIN by root -> 200 ok\u001b[2J");
            forged.addProperty(Fields.TYPE, "AUTH\u2028\u202e");
            assertEquals(408, c.call(forged).status());
            JsonObject badKey = Requests.fileGet(c.login("u1"), "k\r\u0085\u007f\"x");
            c.call(badKey);
            Path logFile = fixture.server.logDirectory().resolve("fita-server.0.log");
            waitFor(() -> lines.stream().anyMatch(l -> l.contains("k\\x0d")), Duration.ofSeconds(5), "the GET is logged");
            String text = Files.readString(logFile);
            for (String line : text.split("\n")) {
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR) .*"),
                        "every line is one record: " + line);
                assertFalse(line.contains("\u001b") || line.contains("\r") || line.contains("\u2028")
                        || line.contains("\u202e") || line.contains("\u007f") || line.contains("\u0085"), line);
            }
            assertTrue(text.contains("\"LOGIN\\x0a2026-12-02 10:00:00.000 INFO  #1 AUTH LOGIN by root -> 200 ok\\x1b[2J\""),
                    text);
            assertTrue(text.contains("\"AUTH\\u2028\\u202e\""), text);
            assertTrue(text.contains("\"k\\x0d\\x85\\x7f\\\"x\""), text);
            for (String line : lines) {
                assertFalse(line.contains("\n") || line.contains("\u001b"), line);
            }
        }
    }

    /** Frames written one after another into one buffer, to send in a single write. */
    private static final class ByteArrayFrames {
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private final org.fita.protocol.FrameWriter writer = new org.fita.protocol.FrameWriter(buffer);

        void add(JsonObject json) throws IOException {
            writer.write(json);
            writer.flush();
        }

        byte[] bytes() {
            return buffer.toByteArray();
        }
    }
}
