package org.fita.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A server program of the system (rsync daemon, sshd) that the bench runs in the foreground on
 * 127.0.0.1 with its own configuration, and stops at the end. Nothing of the system's own
 * configuration is read or changed.
 */
final class Daemon implements AutoCloseable {
    private static final Duration READY_LIMIT = Duration.ofSeconds(15);
    private static final int ATTEMPTS = 5;
    /** Daemons still running: a JVM that exits (Ctrl-C, SIGTERM) stops them, as it does not end child processes. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroy), "bench-daemons"));
    }

    private final String name;
    private final Process process;
    private final int port;

    private Daemon(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the daemon on a free port: {@code command} gives its command line for a port. A port
     * taken between choosing and binding it makes the daemon exit; then another one is tried.
     */
    static Daemon start(String name, IntFunction<List<String>> command, Path log) throws IOException,
            InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            Process process = new ProcessBuilder(command.apply(port)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            RUNNING.add(process);
            long deadline = System.nanoTime() + READY_LIMIT.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (accepts(port)) {
                    return new Daemon(name, process, port);
                }
                Thread.sleep(20);
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            RUNNING.remove(process);
            last = new IOException(name + " did not start on 127.0.0.1:" + port + " (" + String.join(" ",
                    command.apply(port)) + "): " + lastLines(log));
        }
        throw last;
    }

    int port() {
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        // SIGTERM first: both daemons then remove their pid files and end their children.
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    @Override
    public String toString() {
        return name + " pid " + process.pid() + " on 127.0.0.1:" + port;
    }
}
