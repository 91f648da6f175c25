package org.fita.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * Large files on 127.0.0.1 with the default (adaptive) options: upload and download time of each
 * size against md5sum of the same file, and the heap of both JVMs.
 */
final class LargeFiles {
    private static final long WARM_UP_SIZE = 64 * Units.MIB;
    private static final double MD5SUM_FACTOR = 1.5;
    private static final double LINEARITY_TOLERANCE = 1.25;
    private static final long HEAP_LIMIT = 256 * Units.MIB;

    /**
     * Repeated runs of one direction: total times, times until the last byte was counted, CPU time
     * of each side, and the largest heap use.
     */
    private record Runs(Samples total, Samples lastByte, Samples clientCpu, Samples serverCpu, HeapMeter.Snapshot client,
            HeapMeter.Snapshot server) {
        static Runs none() {
            return new Runs(new Samples(), new Samples(), new Samples(), new Samples(), null, null);
        }
    }

    private record Measured(long size, Md5sum.Result md5sum, Samples copy, Samples disk, Runs upload, Runs download) {
        Runs runs(String direction) {
            return direction.equals("upload") ? upload : download;
        }
    }

    private final BenchContext ctx;
    private final Path in;
    private final Path out;

    LargeFiles(BenchContext ctx) throws IOException {
        this.ctx = ctx;
        this.in = ctx.folder("large-in");
        this.out = ctx.folder("large-out");
    }

    void run() throws Exception {
        warmUp();
        List<Measured> all = new ArrayList<>();
        for (long size : ctx.options().sizes()) {
            all.add(measure(size));
        }
        print(all);
        judge(all);
    }

    /** Lets the JIT compile the hot paths of both JVMs before anything is timed. */
    private void warmUp() throws Exception {
        ctx.report().progress("warm-up: " + Units.size(WARM_UP_SIZE) + " up and down twice, not timed");
        Path file = in.resolve("warm-up.bin");
        ctx.files().write(file, WARM_UP_SIZE);
        for (int i = 0; i < 2; i++) {
            roundTrip(file, "warm-up-" + i);
        }
        Files.delete(file);
    }

    private Measured measure(long size) throws Exception {
        String label = Units.size(size).replace(" ", "");
        int runs = ctx.options().runsOf(size);
        Path file = in.resolve(label + ".bin");
        ctx.report().progress(label + ": writing the file");
        ctx.files().write(file, size);
        ctx.report().progress(label + ": baselines (md5sum, loopback copy, file copy + sync), best of " + runs);
        Md5sum.Result md5sum = Md5sum.measure(List.of(file), runs);
        Samples copy = new Samples();
        Samples disk = new Samples();
        for (int i = 0; i < runs; i++) {
            copy.add(LoopbackCopy.once(file));
            disk.add(FileCopy.once(file, out.resolve(label + "-copy.bin")));
        }
        Runs upload = Runs.none();
        Runs download = Runs.none();
        StepSession session = ctx.session();
        for (int run = 0; run < runs; run++) {
            ctx.report().progress(label + ": upload and download, run " + (run + 1) + " of " + runs);
            String key = "large/" + label + "-" + run;
            upload = timed(upload, () -> BenchContext.upload(session, file, key, TransferOptions.DEFAULTS, null,
                    md5sum.md5()));
            Path target = out.resolve(label + "-" + run + ".bin");
            download = timed(download, () -> BenchContext.download(session, key, target, TransferOptions.DEFAULTS,
                    null, md5sum.md5()));
            if (Files.size(target) != size) {
                throw new IllegalStateException("The download of " + key + " has " + Files.size(target) + " bytes");
            }
            // One copy on each side at a time keeps the scratch disk use and the page cache small.
            Files.delete(target);
            session.delete(key);
        }
        Files.delete(file);
        return new Measured(size, md5sum, copy, disk, upload, download);
    }

    private interface TransferRun {
        BenchContext.Timing run() throws Exception;
    }

    /** One more run of a direction, with the heap of both JVMs measured from a collected start. */
    private Runs timed(Runs so, TransferRun transfer) throws Exception {
        ctx.clientHeap().reset();
        ctx.server().resetHeap();
        long clientCpu = clientCpuNanos();
        long serverCpu = ctx.server().cpuNanos();
        BenchContext.Timing t = transfer.run();
        so.clientCpu().add(clientCpuNanos() - clientCpu);
        so.serverCpu().add(ctx.server().cpuNanos() - serverCpu);
        so.total().add(t.total());
        so.lastByte().add(t.lastByte());
        return new Runs(so.total(), so.lastByte(), so.clientCpu(), so.serverCpu(),
                ctx.clientHeap().snapshot().max(so.client()), ctx.server().heap().max(so.server()));
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void roundTrip(Path file, String key) throws StepException, IOException {
        Path target = out.resolve(key + ".bin");
        BenchContext.upload(ctx.session(), file, key, TransferOptions.DEFAULTS, null, null);
        BenchContext.download(ctx.session(), key, target, TransferOptions.DEFAULTS, null, null);
        Files.delete(target);
        ctx.session().delete(key);
    }

    private void print(List<Measured> all) {
        Table baselines = new Table("file", "runs", "md5sum", "MB/s", "loopback socket copy", "MB/s",
                "file copy + fsync", "MB/s");
        Table times = new Table("file", "direction", "best", "median", "worst", "MB/s (best)", "÷ md5sum (best)",
                "÷ md5sum (median)", "last byte at (median)", "after last byte (median)");
        Table heaps = new Table("file", "direction", "client CPU", "server CPU", "client heap peak",
                "client live after GC", "server heap peak", "server live after GC", "client direct", "server direct");
        for (Measured m : all) {
            String file = Units.size(m.size());
            long md5Best = m.md5sum().nanos().best();
            baselines.row(file, m.md5sum().nanos().count(), Units.seconds(md5Best), Units.rate(m.size(), md5Best),
                    Units.seconds(m.copy().best()), Units.rate(m.size(), m.copy().best()),
                    Units.seconds(m.disk().best()), Units.rate(m.size(), m.disk().best()));
            for (String direction : List.of("upload", "download")) {
                Runs r = m.runs(direction);
                Samples s = r.total();
                long lastByte = r.lastByte().median();
                times.row(file, direction, Units.seconds(s.best()), Units.seconds(s.median()), Units.seconds(s.worst()),
                        Units.rate(m.size(), s.best()), Units.ratio(s.best() / (double) md5Best),
                        Units.ratio(s.median() / (double) md5Best), Units.seconds(lastByte),
                        Units.seconds(s.median() - lastByte));
                heaps.row(file, direction, cpu(r.clientCpu(), s), cpu(r.serverCpu(), s), Units.mib(r.client().peakUsed()), Units.mib(r.client().liveAfterGc()),
                        Units.mib(r.server().peakUsed()), Units.mib(r.server().liveAfterGc()),
                        Units.mib(r.client().direct()), Units.mib(r.server().direct()));
            }
        }
        Measured first = all.get(0);
        ctx.report().section("Large files on 127.0.0.1 (default options)",
                "Baselines on the same files in the same run, best of the runs (md5sum after one untimed run "
                        + "that fills the page cache):\n\n" + baselines.markdown()
                        + "\nFiTA: each run is a verified upload, then a verified download of the same key. Ratios "
                        + "are FiTA time ÷ md5sum best time (lower is better). \"Last byte at\" is when the engine "
                        + "counted the last block as moved; the time after it goes to verifying and syncing:\n\n"
                        + times.markdown()
                        + "\nCPU time of each process (median, and the cores it kept busy over the median wall "
                        + "time; the client's includes the bench's own idle waiting threads), and heap, the largest "
                        + "over the runs of each direction. \"Peak\" adds up the heap pools' "
                        + "peaks (an upper bound, mostly how far the collector let the young generation grow); "
                        + "\"live after GC\" is the most the heap held right after a collection (– if none ran). "
                        + "\"Direct\" is memory in direct buffers, outside the heap (the server's block buffers, "
                        + "the JDK's I/O buffers), the most seen at a collection or after the runs. "
                        + "Client -Xmx " + Units.mib(first.upload().client().max()) + ", server -Xmx "
                        + Units.mib(first.upload().server().max()) + ":\n\n" + heaps.markdown());
    }

    /** Median CPU time, and how many cores it kept busy over the median wall time. */
    private static String cpu(Samples cpu, Samples wall) {
        return Units.seconds(cpu.median()) + String.format(Locale.ROOT, " (%.1f cores)",
                cpu.median() / (double) wall.median());
    }

    private void judge(List<Measured> all) {
        Measured big = all.get(all.size() - 1);
        String bigName = Units.size(big.size());
        long md5Best = big.md5sum().nanos().best();
        for (String direction : List.of("upload", "download")) {
            Samples s = big.runs(direction).total();
            double best = s.best() / (double) md5Best;
            double median = s.median() / (double) md5Best;
            ctx.report().target(bigName + " " + direction + " vs md5sum", "best ≤ " + MD5SUM_FACTOR + "x md5sum best",
                    "best " + Units.ratio(best) + ", median " + Units.ratio(median) + " (" + Units.seconds(s.best())
                            + " vs " + Units.seconds(md5Best) + ")", best <= MD5SUM_FACTOR);
        }
        if (all.size() >= 2) {
            Measured smaller = all.get(all.size() - 2);
            for (String direction : List.of("upload", "download")) {
                long t1 = smaller.runs(direction).total().median();
                long t2 = big.runs(direction).total().median();
                double perGiB1 = t1 / 1e9 / (smaller.size() / (double) Units.GIB);
                double perGiB2 = t2 / 1e9 / (big.size() / (double) Units.GIB);
                // time = fixed + slope * size through the two points: the fixed part is per-transfer overhead.
                double slope = (t2 - t1) / 1e9 / ((big.size() - smaller.size()) / (double) Units.GIB);
                double fixed = t1 / 1e9 - slope * smaller.size() / Units.GIB;
                double growth = perGiB2 / perGiB1;
                ctx.report().target("time linear in size (" + direction + ")", "s per GiB at " + bigName
                        + " ≤ " + Units.ratio(LINEARITY_TOLERANCE) + " that at " + Units.size(smaller.size()),
                        String.format(Locale.ROOT, "%.2f vs %.2f s per GiB (%s); fit: %.3f s + %.2f s per GiB",
                                perGiB2, perGiB1, Units.ratio(growth), fixed, slope),
                        growth <= LINEARITY_TOLERANCE);
            }
        }
        HeapMeter.Snapshot client = big.upload().client().max(big.download().client());
        HeapMeter.Snapshot server = big.upload().server().max(big.download().server());
        heapTarget("client", bigName, client);
        heapTarget("server", bigName, server);
    }

    private void heapTarget(String side, String bigName, HeapMeter.Snapshot heap) {
        ctx.report().target(side + " heap, " + bigName + " transfers", "completed with -Xmx ≤ 256 MiB",
                "-Xmx " + Units.mib(heap.max()) + ", peak " + Units.mib(heap.peakUsed()) + ", live after GC "
                        + Units.mib(heap.liveAfterGc()) + "; direct buffers " + Units.mib(heap.direct()),
                heap.max() <= HEAP_LIMIT);
    }
}
