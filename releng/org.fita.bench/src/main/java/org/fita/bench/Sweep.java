package org.fita.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * Throughput against connections and requests in flight: one file through the delay line with
 * fixed settings (no adaptation), every combination of a few connection counts and windows, one
 * run each. Shows what parallel connections and pipelining each buy on a long link.
 */
final class Sweep {
    private static final int[] CONNECTIONS = {1, 2, 4, 8};
    private static final int[] WINDOWS = {1, 2, 4, 8, 16};
    private static final int BLOCK = 256 * 1024;

    private final BenchContext ctx;

    Sweep(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        long size = ctx.options().sweepSize();
        long delayMillis = ctx.options().wanDelay().toMillis();
        Path in = ctx.folder("sweep-in");
        Path file = in.resolve("sweep.bin");
        Path target = in.resolve("sweep-down.bin");
        ctx.files().write(file, size);
        String md5 = Md5sum.measure(List.of(file), 1).md5();
        String[] header = new String[WINDOWS.length + 2];
        header[0] = "direction";
        header[1] = "connections";
        for (int i = 0; i < WINDOWS.length; i++) {
            header[i + 2] = "window " + WINDOWS[i];
        }
        Table table = new Table(header);
        String title = Units.size(size) + " in " + Units.size(BLOCK) + " blocks through a delay line, " + delayMillis
                + " ms each way";
        Object[][] up = new Object[CONNECTIONS.length][];
        Object[][] down = new Object[CONNECTIONS.length][];
        try (DelayProxy proxy = new DelayProxy(ctx.server().port(), ctx.options().wanDelay());
                StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", proxy.port()),
                        BenchContext.USER, StepSession.classicPassword(BenchContext.USER))) {
            for (int c = 0; c < CONNECTIONS.length; c++) {
                up[c] = new Object[WINDOWS.length + 2];
                down[c] = new Object[WINDOWS.length + 2];
                up[c][0] = "upload";
                down[c][0] = "download";
                up[c][1] = down[c][1] = CONNECTIONS[c];
                for (int w = 0; w < WINDOWS.length; w++) {
                    ctx.report().progress("sweep: " + CONNECTIONS[c] + " connections x " + WINDOWS[w] + " in flight");
                    TransferOptions options = new TransferOptions(CONNECTIONS[c], WINDOWS[w], BLOCK, false, 0);
                    String key = "sweep/" + CONNECTIONS[c] + "x" + WINDOWS[w];
                    long u = BenchContext.upload(session, file, key, options, null, md5).total();
                    long d = BenchContext.download(session, key, target, options, null, md5).total();
                    Files.delete(target);
                    session.delete(key);
                    up[c][w + 2] = Units.rate(size, u);
                    down[c][w + 2] = Units.rate(size, d);
                    ctx.charts().sweep(title, "upload", CONNECTIONS[c], WINDOWS[w], Units.megabytesPerSecond(size, u));
                    ctx.charts().sweep(title, "download", CONNECTIONS[c], WINDOWS[w],
                            Units.megabytesPerSecond(size, d));
                }
            }
        }
        Files.delete(file);
        for (Object[] row : up) {
            table.row(row);
        }
        for (Object[] row : down) {
            table.row(row);
        }
        ctx.report().section("Throughput against connections and requests in flight",
                title + ", fixed settings (no adaptation), one verified run each, MB/s:\n\n" + table.markdown());
    }
}
