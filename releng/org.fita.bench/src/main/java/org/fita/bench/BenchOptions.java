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
        long wanSize, Duration wanDelay, Set<Scenario> scenarios, List<String> serverJavaOptions, boolean serverDirectIo,
        boolean help) {

    enum Scenario { LARGE, SMALL, WAN }

    static final String USAGE = """
            Usage: fita-bench [options]
              --scratch DIR          where test files and the server's storage go (default: target/bench-scratch
                                     beside the jar); a run folder inside it is deleted at the end
              --sizes LIST           large-file sizes (default 1M,100M,1G)
              --repeat N             timed runs of each large size (default 3; sizes under 256 MiB get at least 5)
              --small-files N        number of small files (default 1000)
              --small-size SIZE      size of each small file (default 10K)
              --concurrency N        transfers at once in the concurrent small-file runs (default 4)
              --wan-size SIZE        file size of the WAN scenario (default 8M)
              --wan-delay MS         delay of each direction of the WAN proxy (default 25)
              --only LIST            scenarios to run: large,small,wan (default all)
              --server-java-opts S   JVM options of the server process (default -Xmx256m)
              --no-direct-io         the server writes every upload through the page cache (fita-server's option)
            The client runs in this JVM: releng/scripts/fita-bench gives it -Xmx256m.
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
        Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
        List<String> serverJava = List.of("-Xmx256m");
        boolean serverDirectIo = true;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
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
                case "--only" -> {
                    List<Scenario> chosen = new ArrayList<>();
                    for (String s : value.split(",")) {
                        chosen.add(Scenario.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                    }
                    scenarios = EnumSet.copyOf(chosen);
                }
                case "--server-java-opts" -> serverJava = List.of(value.trim().split("\\s+"));
                default -> throw new IllegalArgumentException("Unknown option: " + arg);
            }
        }
        return new BenchOptions(scratch, sizes, repeat, smallFiles, smallSize, concurrency, wanSize, wanDelay,
                scenarios, serverJava, serverDirectIo, help);
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
