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
import org.fita.transfer.FitaHome;
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
        // Charts are drawn off screen; no display is needed or used.
        System.setProperty("java.awt.headless", "true");
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
        // The engine's own files (journal, known servers) go to the run's folder, never to the user's ~/.fita.
        System.setProperty(FitaHome.PROPERTY, Files.createDirectories(scratch.resolve("fita-home")).toString());
        Thread cleanup = new Thread(() -> {
            deleteTree(scratch);
            deleteIfEmpty(options.scratch());
        }, "bench-cleanup");
        // Also on Ctrl-C: a run leaves gigabytes behind otherwise.
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        report.text(header(args) + disk(scratch, "start"));
        Charts charts = new Charts();
        Peers peers = null;
        // Room for the load scenario's idle and active connections besides the bench's own.
        int maxConnections = Math.max(10_000, options.loadManyIdle() + options.loadClients() + 100);
        try (ServerProcess server = ServerProcess.start(jar, Files.createDirectories(scratch.resolve("server")), false,
                options.serverDirectIo(), options.serverJavaOptions(), maxConnections,
                options.scenarios().contains(BenchOptions.Scenario.TLS));
                StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", server.port()),
                        BenchContext.USER, StepSession.classicPassword(BenchContext.USER))) {
            report.progress("server pid " + server.pid() + " on 127.0.0.1:" + server.port() + ", scratch " + scratch);
            BenchContext ctx = new BenchContext(options, scratch, server, session, new HeapMeter(), new RandomFiles(),
                    report, charts);
            Path root = checkout(jar);
            FitaCommand fita = new FitaCommand(options.fita() != null ? options.fita().toAbsolutePath()
                    : root.resolve("releng/scripts/fita"), scratch, "fita-command-home");
            // Its own home: known_servers there remembers the server as TLS, which the plain runs must not see.
            FitaCommand fitaTls = new FitaCommand(fita.program(), scratch, "fita-tls-home");
            Path fitaJar = root.resolve("releng/org.fita.standalone/target/fita.jar");
            for (BenchOptions.Scenario scenario : options.scenarios()) {
                try {
                    if (peers == null && scenario.comparesWithTools()) {
                        peers = Peers.start(scratch.resolve("peers"), report);
                    }
                    switch (scenario) {
                        case STARTUP -> new Startup(ctx, fita, fitaJar).run();
                        case COMPARE -> new Compare(ctx, peers, fita).run();
                        case FOLDERS -> new Folders(ctx, peers, fita).run();
                        case WAN_COMPARE -> new WanCompare(ctx, peers, fita).run();
                        case TLS -> new TlsCompare(ctx, peers, fita, fitaTls).run();
                        case LARGE -> new LargeFiles(ctx).run();
                        case SMALL -> new SmallFiles(ctx).run();
                        case WAN -> new Wan(ctx).run();
                        case SWEEP -> new Sweep(ctx).run();
                        case LOAD -> new Load(ctx).run();
                    }
                } catch (Exception e) {
                    // One broken scenario must not hide the figures of the others.
                    e.printStackTrace();
                    report.failure(scenario.optionName() + " scenario: " + e);
                }
            }
        } finally {
            if (peers != null) {
                peers.close();
            }
            writeCharts(options, charts, report);
            report.text("- load average at the end: " + loadAverage() + "\n" + disk(scratch, "end"));
            report.printTargets();
            report.printFailures();
            report.text(String.format(Locale.ROOT, "Whole run: %.0f s.%n", (System.nanoTime() - started) / 1e9));
        }
        if (report.failed()) {
            System.exit(1);
        }
    }

    /** The checkout the jar was built in: releng/org.fita.bench/target/fita-bench.jar. */
    private static Path checkout(Path jar) {
        return jar.getParent().getParent().getParent().getParent();
    }

    private static void writeCharts(BenchOptions options, Charts charts, Report report) {
        if (options.charts() == null) {
            return;
        }
        String subtitle = "fita-bench, " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, load average " + loadAverage();
        try {
            List<Path> written = charts.write(options.charts(), subtitle);
            if (!written.isEmpty()) {
                StringBuilder text = new StringBuilder("Charts of this run:\n\n");
                written.forEach(p -> text.append("- ").append(p).append('\n'));
                report.section("Charts", text.toString());
            }
        } catch (IOException | RuntimeException e) {
            report.failure("charts into " + options.charts() + ": " + e);
        }
    }

    /** A line on the scratch disk's speed for a durable writer just now (FileCopy.writeAndSync of 256 MiB). */
    private static String disk(Path scratch, String when) {
        long size = 256L << 20;
        try {
            long nanos = FileCopy.writeAndSync(scratch, size);
            return "- disk at the " + when + " (scratch folder): " + Units.size(size) + " written and synced in "
                    + Units.seconds(nanos) + " (" + Units.rate(size, nanos) + ")\n";
        } catch (IOException e) {
            return "- disk at the " + when + ": not measured (" + e.getMessage() + ")\n";
        }
    }

    /** The 1, 5 and 15 minute load averages, or "?" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
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
                + "\n- load average at the start (1, 5, 15 min): " + loadAverage()
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
