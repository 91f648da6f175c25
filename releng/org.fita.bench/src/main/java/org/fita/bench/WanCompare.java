package org.fita.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * A long link against rsync: one file through the bench's delay line (the same {@link DelayProxy}
 * in front of the FiTA server and in front of the rsync daemon), the fita command as a whole
 * process and the engine in this JVM with default options, against rsync through the same line.
 */
final class WanCompare {
    private static final double COMMAND_VS_RSYNC = 1.2;

    private final BenchContext ctx;
    private final Peers peers;
    private final FitaCommand fita;

    WanCompare(BenchContext ctx, Peers peers, FitaCommand fita) {
        this.ctx = ctx;
        this.peers = peers;
        this.fita = fita;
    }

    void run() throws Exception {
        long size = ctx.options().wanCompareSize();
        long delayMillis = ctx.options().wanDelay().toMillis();
        int runs = ctx.options().repeat();
        Path in = ctx.folder("wan-compare-in");
        Path file = in.resolve("wan.bin");
        Path target = in.resolve("wan-down.bin");
        ctx.files().write(file, size);
        String md5 = Md5sum.measure(List.of(file), 1).md5();
        Map<String, Map<String, Samples>> timed = new LinkedHashMap<>();
        try (DelayProxy toFita = new DelayProxy(ctx.server().port(), ctx.options().wanDelay());
                DelayProxy toRsync = peers.hasRsync() ? new DelayProxy(peers.rsyncPort(), ctx.options().wanDelay())
                        : null;
                StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", toFita.port()),
                        BenchContext.USER, StepSession.classicPassword(BenchContext.USER))) {
            // Run -1 is untimed, as in Compare: no tool is measured cold.
            for (int run = -1; run < runs; run++) {
                ctx.report().progress("WAN vs rsync, " + delayMillis + " ms each way, " + Units.size(size)
                        + (run < 0 ? ": untimed round" : ": run " + (run + 1) + " of " + runs));
                Map<String, Map<String, Samples>> tools = run < 0 ? new LinkedHashMap<>() : timed;
                String key = "wan-compare/command-" + run;
                add(tools, Compare.FITA, "upload", fita.time(toFita.port(), "upload", file.toString(), "--key", key));
                add(tools, Compare.FITA, "download", fita.time(toFita.port(), "download", key, "-o", target.toString()));
                Compare.checkAndDelete(target, size);
                ctx.session().delete(key);
                String engineKey = "wan-compare/engine-" + run;
                add(tools, Compare.ENGINE, "upload", BenchContext.upload(session, file, engineKey,
                        TransferOptions.DEFAULTS, null, md5).total());
                add(tools, Compare.ENGINE, "download", BenchContext.download(session, engineKey, target,
                        TransferOptions.DEFAULTS, null, md5).total());
                Compare.checkAndDelete(target, size);
                ctx.session().delete(engineKey);
                if (toRsync != null) {
                    String remote = "wan-" + run + ".bin";
                    add(tools, Compare.RSYNC, "upload", peers.rsyncUpload(toRsync.port(), file, remote, false, false));
                    add(tools, Compare.RSYNC, "download", peers.rsyncDownload(toRsync.port(), remote, target, false,
                            false));
                    Compare.checkAndDelete(target, size);
                    Compare.checkAndDelete(peers.rsyncModule().resolve(remote), size);
                }
            }
        }
        Files.delete(file);
        print(timed, size, delayMillis);
    }

    private static void add(Map<String, Map<String, Samples>> tools, String tool, String direction, long nanos) {
        tools.computeIfAbsent(tool, t -> new LinkedHashMap<>()).computeIfAbsent(direction, d -> new Samples())
                .add(nanos);
    }

    private void print(Map<String, Map<String, Samples>> tools, long size, long delayMillis) {
        Table table = new Table("file", "direction", "rsync daemon", "fita command", "÷ rsync", "fita engine",
                "÷ rsync");
        String title = Units.size(size) + " through a delay line, " + delayMillis + " ms each way";
        for (String direction : List.of("upload", "download")) {
            Long rsync = Compare.best(tools.getOrDefault(Compare.RSYNC, Map.of()).get(direction));
            long command = tools.get(Compare.FITA).get(direction).best();
            long engine = tools.get(Compare.ENGINE).get(direction).best();
            table.row(Units.size(size), direction, Compare.seconds(rsync), Units.seconds(command),
                    Compare.ratio(command, rsync), Units.seconds(engine), Compare.ratio(engine, rsync));
            ctx.charts().wan(title, direction, Compare.FITA, command);
            ctx.charts().wan(title, direction, Compare.ENGINE, engine);
            if (rsync != null) {
                ctx.charts().wan(title, direction, Compare.RSYNC, rsync);
                double r = command / (double) rsync;
                ctx.report().target("WAN " + Units.size(size) + " " + direction + ", command vs rsync",
                        "≤ " + Units.ratio(COMMAND_VS_RSYNC) + " rsync through the same line", Units.ratio(r) + " ("
                                + Units.seconds(command) + " vs " + Units.seconds(rsync) + ")",
                        r <= COMMAND_VS_RSYNC);
            }
        }
        ctx.report().section("WAN against rsync: " + title,
                "Best of " + ctx.options().repeat() + " runs, after one untimed round of every tool. The FiTA server "
                        + "and the rsync daemon each sit behind "
                        + "the same kind of delay line (DelayProxy: every chunk held " + delayMillis + " ms in each "
                        + "direction). \"fita command\" is the whole process (default, adaptive options), \"fita "
                        + "engine\" the transfer in the bench's warm JVM on a session already logged in through the "
                        + "line; rsync is plain `rsync FILE rsync://127.0.0.1:PORT/...` through its line:\n\n"
                        + table.markdown() + (peers.missing() != null ? "\n- " + peers.missing() + "\n" : ""));
    }
}
