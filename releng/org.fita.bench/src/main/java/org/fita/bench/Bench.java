package org.fita.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;

/**
 * The FiTA benchmark: starts a server in a child JVM, runs the client in this one, and prints
 * Markdown tables of each scenario with ratios against baselines measured in the same run.
 * Run it with releng/scripts/fita-bench; docs/BENCHMARKS.md explains the figures.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = benchJar();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, jar.getParent().resolve("bench-scratch"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchContext.watchEngineThreads();
        Report report = new Report();
        Path scratch = Files.createDirectories(options.scratch()).resolve("run-" + ProcessHandle.current().pid());
        Files.createDirectories(scratch);
        Thread cleanup = new Thread(() -> {
            deleteTree(scratch);
            deleteIfEmpty(options.scratch());
        }, "bench-cleanup");
        // Also on Ctrl-C: a run leaves gigabytes behind otherwise.
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        report.text(header(args));
        // Room for the load scenario's idle and active connections besides the bench's own.
        int maxConnections = Math.max(10_000, options.loadManyIdle() + options.loadClients() + 100);
        try (ServerProcess server = ServerProcess.start(jar, Files.createDirectories(scratch.resolve("server")), false,
                options.serverDirectIo(), options.serverJavaOptions(), maxConnections);
                StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", server.port()),
                        BenchContext.USER, StepSession.classicPassword(BenchContext.USER))) {
            report.progress("server pid " + server.pid() + " on 127.0.0.1:" + server.port() + ", scratch " + scratch);
            BenchContext ctx = new BenchContext(options, scratch, server, session, new HeapMeter(), new RandomFiles(),
                    report);
            for (BenchOptions.Scenario scenario : options.scenarios()) {
                try {
                    switch (scenario) {
                        case LARGE -> new LargeFiles(ctx).run();
                        case SMALL -> new SmallFiles(ctx).run();
                        case WAN -> new Wan(ctx).run();
                        case LOAD -> new Load(ctx).run();
                    }
                } catch (Exception e) {
                    // One broken scenario must not hide the figures of the others.
                    e.printStackTrace();
                    report.failure(scenario.name().toLowerCase(Locale.ROOT) + " scenario: " + e);
                }
            }
        } finally {
            report.printTargets();
            report.printFailures();
            report.text(String.format(Locale.ROOT, "Whole run: %.0f s.%n", (System.nanoTime() - started) / 1e9));
        }
        if (report.failed()) {
            System.exit(1);
        }
    }

    private static Path benchJar() throws URISyntaxException {
        return Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    }

    private static String header(String[] args) {
        String command = System.getProperty("fita.bench.command",
                "java -jar fita-bench.jar " + String.join(" ", args));
        Runtime rt = Runtime.getRuntime();
        return "# FiTA benchmark, " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + "\n\n"
                + "- command: `" + command.trim() + "`\n"
                + "- client JVM: `" + ProcessHandle.current().info().commandLine().orElse("?") + "`\n"
                + "- machine: " + rt.availableProcessors() + " CPUs (" + procLine("/proc/cpuinfo", "model name")
                + "), " + memory() + " memory, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + "\n"
                + "- Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "\n- MB/s means 10^6 bytes per second; sizes are binary (1 MiB = 2^20 bytes)\n";
    }

    private static String memory() {
        String kilobytes = procLine("/proc/meminfo", "MemTotal").replace(" kB", "");
        try {
            return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kilobytes) / (double) (1 << 20));
        } catch (NumberFormatException e) {
            return "?";
        }
    }

    /** The value of the first "name: value" line of a /proc file, or "?" off Linux. */
    private static String procLine(String file, String name) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(name)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ")).orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException stillUsed) {
            // Another run's folder is in it.
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("[bench] could not delete " + root + ": " + e.getMessage());
        }
    }
}
