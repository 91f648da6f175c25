package org.fita.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * Many small files: what each transfer costs apart from its bytes (plan, connection, journal,
 * sync, rename), one at a time and several at once.
 */
final class SmallFiles {
    private interface Job {
        void run(int index) throws Exception;
    }

    private final BenchContext ctx;

    SmallFiles(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        int count = ctx.options().smallFiles();
        long size = ctx.options().smallSize();
        int concurrency = ctx.options().concurrency();
        Path in = ctx.folder("small-in");
        ctx.report().progress(count + " files of " + Units.size(size) + ": writing them");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path f = in.resolve(String.format(Locale.ROOT, "f%05d.bin", i));
            ctx.files().write(f, size);
            files.add(f);
        }
        Md5sum.Result md5sum = Md5sum.measure(files, 3);
        List<String> md5s = md5sum.md5s();
        StepSession session = ctx.session();
        Table table = new Table("run", "time", "files/s", "MB/s", "÷ md5sum time");
        long md5Best = md5sum.nanos().best();
        table.row("md5sum of all files (one process, best of 3)", Units.seconds(md5Best), Units.perSecond(count, md5Best),
                Units.rate(count * size, md5Best), "1.00x");
        for (int parallel : java.util.stream.IntStream.of(1, concurrency).distinct().toArray()) {
            String mode = parallel == 1 ? "one at a time" : parallel + " at once";
            String prefix = "small/" + parallel + "/";
            Path out = ctx.folder("small-out-" + parallel);
            ctx.report().progress(count + " files: upload and download, " + mode);
            try {
                long up = timed(count, parallel, i -> BenchContext.upload(session, files.get(i),
                        prefix + files.get(i).getFileName(), TransferOptions.DEFAULTS, null, md5s.get(i)));
                table.row("upload, " + mode, Units.seconds(up), Units.perSecond(count, up),
                        Units.rate(count * size, up), Units.ratio(up / (double) md5Best));
            } catch (Exception e) {
                failed(table, "upload, " + mode, e);
            }
            try {
                // The keys of the first upload run, so that downloads are measured even if a later upload run failed.
                long down = timed(count, parallel, i -> BenchContext.download(session,
                        "small/1/" + files.get(i).getFileName(), out.resolve(files.get(i).getFileName()),
                        TransferOptions.DEFAULTS, null, md5s.get(i)));
                table.row("download, " + mode, Units.seconds(down), Units.perSecond(count, down),
                        Units.rate(count * size, down), Units.ratio(down / (double) md5Best));
            } catch (Exception e) {
                failed(table, "download, " + mode, e);
            }
        }
        ctx.report().section(count + " files of " + Units.size(size) + " on 127.0.0.1 (default options, one session)",
                "Every transfer is verified by the engine (MD5 of both sides); time is the wall time of all of them:\n\n"
                        + table.markdown());
    }

    /** A failure here is a finding to report, not a reason to lose the other measurements. */
    private void failed(Table table, String run, Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        table.row("FAILED: " + run, "–", "–", "–", String.valueOf(cause.getMessage()).replace('|', '/'));
        ctx.report().failure(ctx.options().smallFiles() + " small files, " + run + ": " + cause);
    }

    /** Runs the job for every index, {@code parallel} at a time, and returns the wall time of all. */
    private static long timed(int count, int parallel, Job job) throws Exception {
        long start = System.nanoTime();
        if (parallel == 1) {
            for (int i = 0; i < count; i++) {
                job.run(i);
            }
            return System.nanoTime() - start;
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Object>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    job.run(index);
                    return null;
                }));
            }
            for (Future<Object> f : done) {
                f.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }
}
