package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.tasks.TransferTask;

/** A real server on 127.0.0.1 over a temporary root, a scratch folder for local files, and a journal. */
final class EngineFixture implements AutoCloseable {
    final Path root;
    /** One connection, two requests in flight, 64 KiB blocks, 4 MiB/s: slow enough to stop a transfer half-way. */
    static final TransferOptions SLOW = new TransferOptions(1, 2, 64 * 1024, false, 4L << 20);
    final Path local;
    final TransferJournal journal;
    StepServer server;
    private final UnaryOperator<ServerConfig.Builder> tune;
    private int port;

    EngineFixture(UnaryOperator<ServerConfig.Builder> tune) throws IOException {
        this.tune = tune;
        root = Files.createTempDirectory("fita-engine-server");
        local = Files.createTempDirectory("fita-engine-local");
        journal = new TransferJournal(local.resolve(".journal"));
        server = StepServer.start(tune.apply(ServerConfig.builder().host("127.0.0.1").port(0).root(root)
                .logToConsole(false)).build());
        port = server.port();
    }

    /** Stops the server (as a crash or restart would); {@link #startAgain()} brings it back. */
    void stopServer() {
        server.close();
    }

    /** Starts the server again on the same port and root, with the same settings. */
    void startAgain() throws IOException {
        server = StepServer.start(tune.apply(ServerConfig.builder().host("127.0.0.1").port(port).root(root)
                .logToConsole(false)).build());
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", server.port());
    }

    StepSession session(String user) throws StepException {
        StepSession session = StepSession.connect(address(), user, StepSession.classicPassword(user));
        session.useJournal(journal);
        return session;
    }

    Path file(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path p = local.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, data);
    }

    static String md5(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        delete(root);
        delete(local);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Runs a stopped task again: it verifies, having started from the 2 MiB or more the server
     * held, and ends {@link TransferTask.State#VERIFIED}.
     */
    static void assertContinuesToTheEnd(TransferTask task, Path file) throws Exception {
        task.requeue();
        long[] already = new long[1];
        TransferResult result = task.run(e -> {
            if (e instanceof TransferEvent.Started st) {
                already[0] = st.alreadyDone();
            }
        });
        assertEquals(EngineFixture.md5(file), result.md5());
        assertTrue(already[0] >= (2 << 20), "continued from what the server held: " + already[0]);
        assertEquals(TransferTask.State.VERIFIED, task.status().state());
    }
}
