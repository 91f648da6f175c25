package org.fita.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The command line of the bench. */
record BenchOptions(Path scratch, List<Long> sizes, int repeat, int smallFiles, long smallSize, int concurrency,
        long wanSize, Duration wanDelay, int loadIdle, int loadManyIdle, int loadClients, long loadSize,
        Set<Scenario> scenarios, List<String> serverJavaOptions, boolean serverDirectIo, boolean help,
        List<Long> compareSizes, long wanCompareSize, long sweepSize, Path charts, Path fita, long tlsSize) {

    /**
     * Scenarios in the order they run. The default run is the short comparison with rsync, scp and
     * md5sum; --full adds the long ones; LOAD runs only when named (it needs ~10,000 file descriptors).
     */
    enum Scenario {
        STARTUP, COMPARE, FOLDERS, WAN_COMPARE, TLS, LARGE, SMALL, WAN, SWEEP, LOAD;

        String optionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Scenarios that need the rsync daemon and sshd. */
        boolean comparesWithTools() {
            return this == COMPARE || this == FOLDERS || this == WAN_COMPARE || this == TLS;
        }

        static Scenario of(String name) {
            for (Scenario s : values()) {
                if (s.optionName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("Unknown scenario '" + name + "'; the scenarios are "
                    + String.join(",", Arrays.stream(values()).map(Scenario::optionName).toList()) + ".");
        }
    }

    static final Set<Scenario> DEFAULT_SCENARIOS = EnumSet.of(Scenario.STARTUP, Scenario.COMPARE, Scenario.FOLDERS,
            Scenario.WAN_COMPARE);
    static final Set<Scenario> FULL_SCENARIOS = EnumSet.complementOf(EnumSet.of(Scenario.LOAD));

    static final String USAGE = """
            Usage: fita-bench [options]
              --scratch DIR          where test files and the server's storage go (default: target/bench-scratch
                                     beside the jar); a run folder inside it is deleted at the end
              --full                 every scenario but load, and the comparison at 1M,10M,100M,1G (20 to 40
                                     minutes on a busy 2-core machine, 4 GiB of scratch space)
              --only LIST            scenarios to run, of: startup,compare,folders,wan-compare (the default
                                     run), tls,large,small,wan,sweep (added by --full), load (only when named)
              --charts DIR           write SVG charts of the run into DIR (docs/charts for BENCHMARKS.md)
              --fita PATH            the fita command compared (default: releng/scripts/fita of this checkout)
              --compare-sizes LIST   file sizes compared with rsync, scp and md5sum (default 100M; --full:
                                     1M,10M,100M,1G)
              --sizes LIST           sizes of the large scenario (default 1M,100M,1G)
              --repeat N             timed runs of each case, the best counts (default 3; the large scenario runs
                                     sizes under 256 MiB at least 5 times)
              --small-files N        number of small files (default 1000)
              --small-size SIZE      size of each small file (default 10K)
              --concurrency N        transfers at once in the concurrent small-file runs (default 4)
              --wan-size SIZE        file size of the WAN scenario (default 8M)
              --wan-delay MS         delay of each direction of the WAN proxy (default 25)
              --wan-compare-size S   file size of the WAN comparison with rsync (default 64M)
              --sweep-size SIZE      file size of the connections x requests-in-flight sweep (default 16M)
              --tls-size SIZE        file size of the TLS comparison (default 1G)
              --load-idle N          idle (logged-in) connections while the load clients upload (default 3000)
              --load-many-idle N     idle connections for the memory figure (default 10000)
              --load-clients N       concurrent stop-and-wait uploaders of the load scenario (default 200)
              --load-size SIZE       file each load client uploads (default 2M)
              --server-java-opts S   JVM options of the server process (default -Xmx256m)
              --no-direct-io         the server writes uploads and reads downloads through the page cache (fita-server's option)
            The client engine runs in this JVM: releng/scripts/fita-bench gives it -Xmx256m. rsync and scp figures
            need rsync and sshd installed (apt-get install rsync openssh-server); the bench runs its own daemons
            on 127.0.0.1 and leaves the system's configuration alone.
            """;

    static BenchOptions parse(String[] args, Path defaultScratch) {
        Path scratch = defaultScratch;
        List<Long> sizes = List.of(Units.MIB, 100 * Units.MIB, Units.GIB);
        int repeat = 3;
        int smallFiles = 1000;
        long smallSize = 10 * Units.KIB;
        int concurrency = 4;
        long wanSize = 8 * Units.MIB;
        Duration wanDelay = Duration.ofMillis(25);
        int loadIdle = 3000;
        int loadManyIdle = 10_000;
        int loadClients = 200;
        long loadSize = 2 * Units.MIB;
        Set<Scenario> scenarios = null;
        boolean full = false;
        List<Long> compareSizes = null;
        long wanCompareSize = 64 * Units.MIB;
        long sweepSize = 16 * Units.MIB;
        Path charts = null;
        Path fita = null;
        long tlsSize = Units.GIB;
        List<String> serverJava = List.of("-Xmx256m");
        boolean serverDirectIo = true;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--full")) {
                full = true;
                continue;
            }
            if (arg.equals("--no-direct-io")) {
                serverDirectIo = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Unknown option or missing value: " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--scratch" -> scratch = Path.of(value);
                case "--sizes" -> sizes = Arrays.stream(value.split(",")).map(Units::parseSize).sorted().toList();
                case "--repeat" -> repeat = positive(arg, value);
                case "--small-files" -> smallFiles = positive(arg, value);
                case "--small-size" -> smallSize = Units.parseSize(value);
                case "--concurrency" -> concurrency = positive(arg, value);
                case "--wan-size" -> wanSize = Units.parseSize(value);
                case "--wan-delay" -> wanDelay = Duration.ofMillis(positive(arg, value));
                case "--load-idle" -> loadIdle = positive(arg, value);
                case "--load-many-idle" -> loadManyIdle = positive(arg, value);
                case "--load-clients" -> loadClients = positive(arg, value);
                case "--load-size" -> loadSize = Units.parseSize(value);
                case "--only" -> {
                    List<Scenario> chosen = new ArrayList<>();
                    for (String s : value.split(",")) {
                        chosen.add(Scenario.of(s));
                    }
                    scenarios = EnumSet.copyOf(chosen);
                }
                case "--charts" -> charts = Path.of(value);
                case "--fita" -> fita = Path.of(value);
                case "--compare-sizes" -> compareSizes = Arrays.stream(value.split(",")).map(Units::parseSize).sorted()
                        .toList();
                case "--wan-compare-size" -> wanCompareSize = Units.parseSize(value);
                case "--sweep-size" -> sweepSize = Units.parseSize(value);
                case "--tls-size" -> tlsSize = Units.parseSize(value);
                case "--server-java-opts" -> serverJava = List.of(value.trim().split("\\s+"));
                default -> throw new IllegalArgumentException("Unknown option: " + arg);
            }
        }
        if (scenarios == null) {
            scenarios = full ? FULL_SCENARIOS : DEFAULT_SCENARIOS;
        }
        if (compareSizes == null) {
            compareSizes = full ? List.of(Units.MIB, 10 * Units.MIB, 100 * Units.MIB, Units.GIB)
                    : List.of(100 * Units.MIB);
        }
        return new BenchOptions(scratch, sizes, repeat, smallFiles, smallSize, concurrency, wanSize, wanDelay,
                loadIdle, Math.max(loadIdle, loadManyIdle), loadClients, loadSize, scenarios, serverJava, serverDirectIo,
                help, compareSizes, wanCompareSize, sweepSize, charts, fita, tlsSize);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, not '" + value + "'.");
    }

    /** Timed runs of one large size: small files are cheap, and their times vary more. */
    int runsOf(long size) {
        return size < 256 * Units.MIB ? Math.max(5, repeat) : repeat;
    }
}
