package org.fita.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link BenchServer} running in a child JVM started from the bench jar. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;
    private final int port;
    private final String fingerprint;

    private ServerProcess(Process process, BufferedReader out, PrintStream in, int port, String fingerprint) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.port = port;
        this.fingerprint = fingerprint;
    }

    static ServerProcess start(Path benchJar, Path root, boolean classicOnly, boolean directIo, List<String> javaOptions,
            int maxConnections, boolean tls) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", benchJar.toString(), BenchServer.class.getName(), "--root", root.toString()));
        command.addAll(List.of("--max-connections", Integer.toString(maxConnections)));
        if (classicOnly) {
            command.add("--classic-only");
        }
        if (!directIo) {
            command.add("--no-direct-io");
        }
        if (tls) {
            command.add("--tls");
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintStream in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(BenchServer.READY)) {
                String[] ready = line.substring(BenchServer.READY.length()).trim().split(" ");
                return new ServerProcess(process, out, in, Integer.parseInt(ready[0]), ready.length > 1 ? ready[1]
                        : null);
            }
        }
        process.destroy();
        throw new IOException("The bench server did not start: " + String.join(" ", command));
    }

    int port() {
        return port;
    }

    /** The fingerprint of the server's TLS certificate, or null if it serves plain STEP only. */
    String fingerprint() {
        return fingerprint;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the server process used so far (user and system), from /proc. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    void resetHeap() throws IOException {
        ask("reset");
    }

    /** The server's heap in use right after a full collection, in bytes. */
    long liveHeap() throws IOException {
        return Long.parseLong(ask("live").trim());
    }

    HeapMeter.Snapshot heap() throws IOException {
        return HeapMeter.Snapshot.parse(ask("heap"));
    }

    private String ask(String command) throws IOException {
        in.println(command);
        String reply = out.readLine();
        if (reply == null || reply.startsWith("error")) {
            throw new IOException("The bench server answered \"" + reply + "\" to " + command);
        }
        return reply;
    }

    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
