package org.fita.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * Large files against the tools users would otherwise use, in the same run on the same files: the
 * fita command as a whole process (JVM start included) and the engine in this warm JVM, against the
 * rsync daemon, scp through sshd and md5sum. The tools take turns within each run, so that a slow
 * moment of a shared machine falls on all of them alike.
 */
final class Compare {
    private static final double ENGINE_VS_MD5SUM_100M = 1.5;
    private static final double COMMAND_VS_RSYNC_100M = 3.5;
    private static final double COMMAND_VS_RSYNC_1G = 1.0;

    static final String FITA = "fita command";
    static final String ENGINE = "fita engine (warm JVM)";
    static final String RSYNC = "rsync daemon";
    /** rsync syncing every file it writes, as FiTA does: the durable baseline. */
    static final String RSYNC_FSYNC = "rsync --fsync";
    static final String SCP = "scp";
    static final String MD5SUM = "md5sum";

    private final BenchContext ctx;
    private final Peers peers;
    private final FitaCommand fita;

    Compare(BenchContext ctx, Peers peers, FitaCommand fita) {
        this.ctx = ctx;
        this.peers = peers;
        this.fita = fita;
    }

    /** Best times of one size: tool -> direction -> samples. */
    private record Measured(long size, Samples md5sum, Map<String, Map<String, Samples>> tools) {
        Samples get(String tool, String direction) {
            return tools.getOrDefault(tool, Map.of()).get(direction);
        }
    }

    void run() throws Exception {
        Path in = ctx.folder("compare-in");
        Path out = ctx.folder("compare-out");
        List<Measured> all = new ArrayList<>();
        for (long size : ctx.options().compareSizes()) {
            all.add(measure(size, in, out));
        }
        print(all);
    }

    private Measured measure(long size, Path in, Path out) throws Exception {
        String label = Units.size(size).replace(" ", "");
        int runs = ctx.options().repeat();
        Path file = in.resolve(label + ".bin");
        ctx.report().progress("compare " + label + ": writing the file");
        ctx.files().write(file, size);
        Md5sum.Result md5sum = Md5sum.measure(List.of(file), runs);
        Map<String, Map<String, Samples>> timed = new LinkedHashMap<>();
        StepSession session = ctx.session();
        int port = ctx.server().port();
        // Run -1 is untimed: every tool once, so that none is measured cold (the engine's JIT in this JVM,
        // the server's, the tools' binaries and the page cache), as md5sum gets one untimed run.
        for (int run = -1; run < runs; run++) {
            ctx.report().progress("compare " + label
                    + (run < 0 ? ": untimed round" : ": run " + (run + 1) + " of " + runs));
            Map<String, Map<String, Samples>> tools = run < 0 ? new LinkedHashMap<>() : timed;
            // The fita command, start to exit, as a user waits for it.
            String key = "compare/" + label + "-command-" + run;
            Path target = out.resolve(label + "-command.bin");
            add(tools, FITA, "upload", fita.time(port, "upload", file.toString(), "--key", key));
            add(tools, FITA, "download", fita.time(port, "download", key, "-o", target.toString()));
            checkAndDelete(target, size);
            session.delete(key);
            // The engine in this JVM: the transfer alone, with no start-up.
            String engineKey = "compare/" + label + "-engine-" + run;
            Command.flushDirtyPages();
            add(tools, ENGINE, "upload", BenchContext.upload(session, file, engineKey, TransferOptions.DEFAULTS, null,
                    md5sum.md5()).total());
            Command.flushDirtyPages();
            add(tools, ENGINE, "download", BenchContext.download(session, engineKey, target, TransferOptions.DEFAULTS,
                    null, md5sum.md5()).total());
            checkAndDelete(target, size);
            session.delete(engineKey);
            if (peers.hasRsync()) {
                String remote = label + "-" + run + ".bin";
                add(tools, RSYNC, "upload", peers.rsyncUpload(peers.rsyncPort(), file, remote, false, false));
                add(tools, RSYNC, "download", peers.rsyncDownload(peers.rsyncPort(), remote, target, false, false));
                checkAndDelete(target, size);
                checkAndDelete(peers.rsyncModule().resolve(remote), size);
                if (peers.hasRsyncFsync()) {
                    add(tools, RSYNC_FSYNC, "upload", peers.rsyncUpload(peers.rsyncPort(), file, remote, false,
                            true));
                    add(tools, RSYNC_FSYNC, "download", peers.rsyncDownload(peers.rsyncPort(), remote, target,
                            false, true));
                    checkAndDelete(target, size);
                    checkAndDelete(peers.rsyncModule().resolve(remote), size);
                }
            }
            if (peers.hasScp()) {
                Path remote = peers.scpFolder().resolve(label + "-" + run + ".bin");
                add(tools, SCP, "upload", peers.scpUpload(file, remote));
                add(tools, SCP, "download", peers.scpDownload(remote, target));
                checkAndDelete(target, size);
                checkAndDelete(remote, size);
            }
        }
        Files.delete(file);
        return new Measured(size, md5sum.nanos(), timed);
    }

    private static void add(Map<String, Map<String, Samples>> tools, String tool, String direction, long nanos) {
        tools.computeIfAbsent(tool, t -> new LinkedHashMap<>()).computeIfAbsent(direction, d -> new Samples())
                .add(nanos);
    }

    /** A tool that exited 0 but left a short file would otherwise pass for fast. */
    static void checkAndDelete(Path file, long size) throws IOException {
        long actual = Files.size(file);
        Files.delete(file);
        if (actual != size) {
            throw new IOException(file + " has " + actual + " bytes after the transfer, not " + size);
        }
    }

    private void print(List<Measured> all) {
        Table table = new Table("file", "direction", "md5sum", "rsync daemon", RSYNC_FSYNC, "scp", "fita command",
                "÷ rsync", "÷ rsync --fsync", "÷ scp", "÷ md5sum", "fita engine", "÷ rsync", "÷ md5sum");
        for (Measured m : all) {
            String file = Units.size(m.size());
            long md5 = m.md5sum().best();
            for (String direction : List.of("upload", "download")) {
                Long rsync = best(m.get(RSYNC, direction));
                Long rsyncFsync = best(m.get(RSYNC_FSYNC, direction));
                Long scp = best(m.get(SCP, direction));
                long command = m.get(FITA, direction).best();
                long engine = m.get(ENGINE, direction).best();
                table.row(file, direction, Units.seconds(md5), seconds(rsync), seconds(rsyncFsync), seconds(scp),
                        Units.seconds(command), ratio(command, rsync), ratio(command, rsyncFsync), ratio(command, scp),
                        ratio(command, (Long) md5), Units.seconds(engine), ratio(engine, rsync),
                        ratio(engine, (Long) md5));
                chart(direction, m, rsync, rsyncFsync, scp, command, engine, md5);
                judge(m.size(), direction, command, engine, rsync, md5);
            }
        }
        ctx.report().section("Large files against rsync, scp and md5sum (127.0.0.1)",
                "Best of " + ctx.options().repeat() + " runs of each, after one untimed round of every tool, the "
                        + "tools taking turns within each run. "
                        + "\"fita command\" is `" + fita.program() + " upload|download` as a whole process, from "
                        + "start to exit (JVM start included, -Xmx256m); \"fita engine\" is the same transfer by the "
                        + "engine in the bench's warm JVM. rsync is a plain `rsync FILE rsync://127.0.0.1:PORT/"
                        + Peers.MODULE + "/NAME` to the bench's own daemon (no fsync); \"rsync --fsync\" syncs the "
                        + "file it receives, as FiTA does, so it waits for the disk as FiTA does. scp goes through the "
                        + "bench's own sshd, md5sum reads the file from the page cache. Ratios are FiTA ÷ the tool "
                        + "(lower is better):\n\n" + table.markdown() + notes());
    }

    private String notes() {
        String missing = peers.missing();
        return "\n- rsync: " + peers.describeRsync() + "\n- scp: " + peers.describeScp()
                + (missing != null ? "\n- " + missing : "") + "\n";
    }

    private void chart(String direction, Measured m, Long rsync, Long rsyncFsync, Long scp, long command, long engine,
            long md5) {
        Charts charts = ctx.charts();
        charts.timeVsSize(direction, FITA, m.size(), command);
        charts.timeVsSize(direction, ENGINE, m.size(), engine);
        if (rsync != null) {
            charts.timeVsSize(direction, RSYNC, m.size(), rsync);
        }
        if (rsyncFsync != null) {
            charts.timeVsSize(direction, RSYNC_FSYNC, m.size(), rsyncFsync);
        }
        if (scp != null) {
            charts.timeVsSize(direction, SCP, m.size(), scp);
        }
        charts.timeVsSize(direction, MD5SUM, m.size(), md5);
    }

    private void judge(long size, String direction, long command, long engine, Long rsync, long md5) {
        String name = Units.size(size) + " " + direction;
        if (size == 100 * Units.MIB) {
            double e = engine / (double) md5;
            ctx.report().target(name + ", engine vs md5sum", "≤ " + Units.ratio(ENGINE_VS_MD5SUM_100M) + " md5sum",
                    Units.ratio(e) + " (" + Units.seconds(engine) + " vs " + Units.seconds(md5) + ")",
                    e <= ENGINE_VS_MD5SUM_100M);
            if (rsync != null) {
                target(name + ", command vs rsync", COMMAND_VS_RSYNC_100M, command, rsync);
            }
        } else if (size == Units.GIB && rsync != null) {
            target(name + ", command vs rsync", COMMAND_VS_RSYNC_1G, command, rsync);
        }
    }

    private void target(String what, double limit, long fitaNanos, long rsyncNanos) {
        double r = fitaNanos / (double) rsyncNanos;
        ctx.report().target(what, "≤ " + Units.ratio(limit) + " rsync", Units.ratio(r) + " (" + Units.seconds(fitaNanos)
                + " vs " + Units.seconds(rsyncNanos) + ")", r <= limit);
    }

    static Long best(Samples s) {
        return s == null ? null : s.best();
    }

    static String seconds(Long nanos) {
        return nanos == null ? "–" : Units.seconds(nanos);
    }

    static String ratio(long fitaNanos, Long baselineNanos) {
        return baselineNanos == null ? "–" : Units.ratio(fitaNanos / (double) baselineNanos);
    }
}
