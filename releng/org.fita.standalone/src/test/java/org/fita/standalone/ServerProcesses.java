package org.fita.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts servers for a test and kills whichever still run after it, pass or fail, so that no
 * child JVM outlives its test. Use as a {@code @RegisterExtension} field.
 */
final class ServerProcesses implements AfterEachCallback {
    private final List<ServerProcess> started = new ArrayList<>();

    ServerProcess start(Path root, String... args) throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(root, args);
        started.add(server);
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (ServerProcess server : started) {
            server.close();
        }
        started.clear();
    }
}
