package org.fita.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Start-up: `fita --help` as a user runs it, beside `java -jar fita.jar --help` (the same without
 * the launcher script) and `java -version` (the JVM alone), to show where the time goes.
 */
final class Startup {
    private static final long TARGET_NANOS = 250_000_000L;
    private static final int RUNS = 7;

    private final BenchContext ctx;
    private final FitaCommand fita;
    private final Path fitaJar;

    Startup(BenchContext ctx, FitaCommand fita, Path fitaJar) {
        this.ctx = ctx;
        this.fita = fita;
        this.fitaJar = fitaJar;
    }

    void run() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Table table = new Table("command", "best", "median", "worst");
        ctx.report().progress("start-up: fita --help, " + RUNS + " times");
        Samples command = measure(List.of(fita.program().toString(), "--help"));
        row(table, "`" + fita.program() + " --help`", command);
        if (Files.isRegularFile(fitaJar)) {
            row(table, "`java -Xmx256m -jar " + fitaJar.getFileName() + " --help`",
                    measure(List.of(java, "-Xmx256m", "-jar", fitaJar.toString(), "--help")));
        }
        row(table, "`java -version` (the JVM alone)", measure(List.of(java, "-version")));
        ctx.report().section("Start-up", "Each command " + RUNS + " times, after one untimed run; the `java` is the "
                + "bench's own (" + java + "). The fita command gets -Xmx256m through FITA_JAVA_OPTS:\n\n"
                + table.markdown());
        ctx.report().target("`fita --help` (start-up)", "< 0.25 s", Units.seconds(command.best()) + " best, "
                + Units.seconds(command.median()) + " median", command.best() < TARGET_NANOS);
    }

    private Samples measure(List<String> commandLine) throws Exception {
        fita.timeAlone(commandLine);
        Samples samples = new Samples();
        for (int i = 0; i < RUNS; i++) {
            samples.add(fita.timeAlone(commandLine));
        }
        return samples;
    }

    private static void row(Table table, String what, Samples s) {
        table.row(what, Units.seconds(s.best()), Units.seconds(s.median()), Units.seconds(s.worst()));
    }
}
