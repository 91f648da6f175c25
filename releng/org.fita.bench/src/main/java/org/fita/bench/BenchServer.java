package org.fita.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;

/**
 * The server side of the bench, in a JVM of its own so that its heap is capped and measured apart
 * from the client's. It prints {@code ready PORT} ({@code ready PORT FINGERPRINT} with {@code --tls}), then answers one command per line on stdin:
 * {@code reset} (start a heap measurement), {@code heap} (print it), {@code live} (the heap in use after a full
 * collection), {@code quit}. End of input also
 * stops it, so it never outlives the bench.
 */
public final class BenchServer {
    static final String READY = "ready ";

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Path root = null;
        boolean classicOnly = false;
        boolean directIo = true;
        boolean tls = false;
        int maxConnections = ServerConfig.builder().build().maxConnections();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--classic-only" -> classicOnly = true;
                case "--no-direct-io" -> directIo = false;
                case "--tls" -> tls = true;
                case "--max-connections" -> maxConnections = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (root == null) {
            throw new IllegalArgumentException("--root DIR is required");
        }
        HeapMeter heap = new HeapMeter();
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false)
                .classicOnly(classicOnly).directIo(directIo).maxConnections(maxConnections).tls(tls).build();
        try (StepServer server = StepServer.start(config)) {
            // "ready PORT", and the certificate's fingerprint when TLS is served too, for clients to trust it.
            System.out.println(READY + server.port() + server.tls().map(t -> " " + t.fingerprint()).orElse(""));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "reset" -> {
                        heap.reset();
                        System.out.println("ok");
                    }
                    case "heap" -> System.out.println(heap.snapshot().toLine());
                    case "live" -> {
                        // The heap that is really held, after a full collection.
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        System.out.println(rt.totalMemory() - rt.freeMemory());
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("error unknown command " + line);
                }
                System.out.flush();
            }
        }
    }
}
