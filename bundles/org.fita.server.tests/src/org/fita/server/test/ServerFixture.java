package org.fita.server.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;

/** A real server on 127.0.0.1 and a free port, over a fresh storage root; closed and removed after use. */
public final class ServerFixture implements AutoCloseable {
    public final Path root;
    public final StepServer server;

    private ServerFixture(Path root, StepServer server) {
        this.root = root;
        this.server = server;
    }

    public static ServerFixture start(ServerListener... listeners) throws IOException {
        return start(b -> b, listeners);
    }

    public static ServerFixture start(UnaryOperator<ServerConfig.Builder> tune, ServerListener... listeners)
            throws IOException {
        Path root = Files.createTempDirectory("fita-server-test");
        return startOn(root, tune, listeners);
    }

    public static ServerFixture startOn(Path root, UnaryOperator<ServerConfig.Builder> tune, ServerListener... listeners)
            throws IOException {
        ServerConfig config = tune.apply(ServerConfig.builder().host("127.0.0.1").port(0).root(root)
                .logToConsole(false).passwordIterations(10_000)).build();
        return new ServerFixture(root, StepServer.start(config, listeners));
    }

    public int port() {
        return server.port();
    }

    public StepClient client() throws IOException {
        return new StepClient(port());
    }

    /** Stops the server but keeps its storage, to start another server on it. */
    public Path stopKeepingRoot() {
        server.close();
        return root;
    }

    @Override
    public void close() throws IOException {
        server.close();
        deleteTree(root);
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
