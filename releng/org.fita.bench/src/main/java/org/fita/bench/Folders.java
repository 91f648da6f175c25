package org.fita.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.fita.transfer.StepException;

/**
 * A folder of many small files, uploaded and downloaded whole: `fita upload DIR` and
 * `fita download PREFIX/` as whole processes against rsync -r to and from the daemon, plain and
 * with --fsync (rsync's plain mode leaves the files in the page cache; FiTA syncs every file).
 */
final class Folders {
    private static final double UPLOAD_VS_RSYNC_FSYNC = 1.0;
    private static final double DOWNLOAD_VS_RSYNC = 1.5;
    private static final int WARM_UP_ROUNDS = 8;

    private final BenchContext ctx;
    private final Peers peers;
    private final FitaCommand fita;

    Folders(BenchContext ctx, Peers peers, FitaCommand fita) {
        this.ctx = ctx;
        this.peers = peers;
        this.fita = fita;
    }

    void run() throws Exception {
        int count = ctx.options().smallFiles();
        long size = ctx.options().smallSize();
        int runs = ctx.options().repeat();
        Path source = ctx.folder("folder-in");
        ctx.report().progress("folder of " + count + " x " + Units.size(size) + ": writing it");
        for (int i = 0; i < count; i++) {
            ctx.files().write(source.resolve(String.format(Locale.ROOT, "f%05d.bin", i)), size);
        }
        Map<String, Map<String, Samples>> tools = new LinkedHashMap<>();
        int port = ctx.server().port();
        // Nothing is deleted before the case ends (see leftovers): right after many files are deleted, ext4
        // skips their inodes when it allocates new ones ("recently deleted"), and creating files in that
        // block group becomes slow for a while. Deleting between runs made the next tool's run pay for it
        // (1000-file uploads to a fita-server took 1.7-2.1 s after 1000 deletes, 0.55-0.6 s without).
        Leftovers leftovers = new Leftovers();
        warmUp(port, source, count, size, leftovers);
        for (int run = 0; run < runs; run++) {
            ctx.report().progress("folder of " + count + " files: run " + (run + 1) + " of " + runs);
            String prefix = "folder-" + run;
            Path target = ctx.scratch().resolve("folder-out-fita-" + run);
            add(tools, Compare.FITA, "upload", fita.time(port, "upload", source.toString(), "--key", prefix));
            add(tools, Compare.FITA, "download", fita.time(port, "download", prefix + "/", "-o", target + "/"));
            check(target, count, size);
            leftovers.add(target, keysOf(prefix, count));
            if (peers.hasRsync()) {
                rsync(tools, Compare.RSYNC, false, prefix, source, ctx.scratch().resolve("folder-out-rsync-" + run),
                        count, size, leftovers);
                if (peers.hasRsyncFsync()) {
                    rsync(tools, Compare.RSYNC_FSYNC, true, prefix + "-fsync", source,
                            ctx.scratch().resolve("folder-out-rsync-fsync-" + run), count, size, leftovers);
                }
            }
        }
        leftovers.delete();
        deleteTree(source);
        print(tools, count, size);
    }

    /**
     * Untimed rounds first, as md5sum gets one: a server people use has been running (its request code
     * compiled, its folders and the page cache warm), while the bench starts a fresh one. A fresh server
     * needs about 15,000 small-file requests before its JIT has compiled them: measured with 1000-file
     * uploads, its CPU per upload was 1.2 s user the first time, 0.48 s for the next five, 0.26 s for the
     * ten after and 0.12 s from then on. So {@link #WARM_UP_ROUNDS} rounds of fita (each an upload and a
     * download of the folder) and one of rsync. Each timed `fita` command is still a new process, so the
     * client's start-up and its cold JIT count in every timed run.
     */
    private void warmUp(int port, Path source, int count, long size, Leftovers leftovers) throws Exception {
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            ctx.report().progress("folder of " + count + " files: untimed round " + (round + 1) + " of " + WARM_UP_ROUNDS);
            String prefix = "folder-warm-up-" + round;
            Path target = ctx.scratch().resolve("folder-out-warm-up-" + round);
            fita.time(port, "upload", source.toString(), "--key", prefix);
            fita.time(port, "download", prefix + "/", "-o", target + "/");
            check(target, count, size);
            leftovers.add(target, keysOf(prefix, count));
        }
        if (peers.hasRsync()) {
            rsync(new LinkedHashMap<>(), Compare.RSYNC, false, "folder-warm-up", source,
                    ctx.scratch().resolve("folder-out-rsync-warm-up"), count, size, leftovers);
        }
    }

    /** What the case made (local folders, the server's keys), deleted once it has measured everything. */
    private final class Leftovers {
        private final List<Path> folders = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();

        void add(Path folder, List<String> serverKeys) {
            folders.add(folder);
            keys.addAll(serverKeys);
        }

        void delete() throws IOException, StepException {
            for (Path folder : folders) {
                deleteTree(folder);
            }
            for (String key : keys) {
                ctx.session().delete(key);
            }
        }
    }

    private void rsync(Map<String, Map<String, Samples>> tools, String name, boolean fsync, String remote, Path source,
            Path target, int count, long size, Leftovers leftovers) throws IOException, InterruptedException {
        int port = peers.rsyncPort();
        add(tools, name, "upload", peers.rsyncUpload(port, source, remote + "/", true, fsync));
        add(tools, name, "download", peers.rsyncDownload(port, remote + "/", target, true, fsync));
        check(target, count, size);
        leftovers.add(target, List.of());
        leftovers.add(peers.rsyncModule().resolve(remote), List.of());
    }

    private static List<String> keysOf(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> String.format(Locale.ROOT, "%s/f%05d.bin", prefix, i)).toList();
    }

    /** Every file arrived whole. */
    private static void check(Path folder, int count, long size) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        long wrong = files.stream().filter(f -> {
            try {
                return Files.size(f) != size;
            } catch (IOException e) {
                return true;
            }
        }).count();
        if (files.size() != count || wrong > 0) {
            throw new IOException(folder + " holds " + files.size() + " files after the transfer, " + wrong
                    + " of them not " + size + " bytes; " + count + " were sent");
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void add(Map<String, Map<String, Samples>> tools, String tool, String direction, long nanos) {
        tools.computeIfAbsent(tool, t -> new LinkedHashMap<>()).computeIfAbsent(direction, d -> new Samples())
                .add(nanos);
    }

    private void print(Map<String, Map<String, Samples>> tools, int count, long size) {
        String what = count + " x " + Units.size(size);
        Table table = new Table("folder", "direction", "rsync daemon", Compare.RSYNC_FSYNC, "fita command", "÷ rsync",
                "÷ rsync --fsync", "files/s (fita)");
        for (String direction : List.of("upload", "download")) {
            Long rsync = Compare.best(tools.getOrDefault(Compare.RSYNC, Map.of()).get(direction));
            Long rsyncFsync = Compare.best(tools.getOrDefault(Compare.RSYNC_FSYNC, Map.of()).get(direction));
            long command = tools.get(Compare.FITA).get(direction).best();
            table.row(what, direction, Compare.seconds(rsync), Compare.seconds(rsyncFsync), Units.seconds(command),
                    Compare.ratio(command, rsync), Compare.ratio(command, rsyncFsync), Units.perSecond(count, command));
            String title = "A folder of " + what + ", 127.0.0.1";
            ctx.charts().folders(title, direction, Compare.FITA, command);
            if (rsync != null) {
                ctx.charts().folders(title, direction, Compare.RSYNC, rsync);
            }
            if (rsyncFsync != null) {
                ctx.charts().folders(title, direction, Compare.RSYNC_FSYNC, rsyncFsync);
            }
            if (direction.equals("upload") && rsyncFsync != null) {
                target(what + " upload vs rsync --fsync", UPLOAD_VS_RSYNC_FSYNC, command, rsyncFsync, "rsync --fsync");
            } else if (direction.equals("download") && rsync != null) {
                target(what + " download vs rsync", DOWNLOAD_VS_RSYNC, command, rsync, "rsync");
            }
        }
        ctx.report().section("A folder of " + what + " against rsync (127.0.0.1)",
                "Best of " + ctx.options().repeat() + " runs, after untimed rounds (" + WARM_UP_ROUNDS + " of fita, one "
                        + "of rsync) that warm the server as one in use is; every command is a new process. \"fita command\" is `fita upload DIR --key PREFIX` and "
                        + "`fita download PREFIX/ -o DIR/`, each a whole process (every file verified by MD5 and "
                        + "synced to disk on the receiving side); rsync is `rsync -r DIR/ rsync://.../PREFIX/` and back, "
                        + "plain and with `--fsync` (the download's --fsync is on the receiving, local side too). "
                        + "Ratios are FiTA ÷ rsync:\n\n" + table.markdown()
                        + (peers.missing() != null ? "\n- " + peers.missing() + "\n" : ""));
    }

    private void target(String what, double limit, long fitaNanos, long baseline, String tool) {
        double r = fitaNanos / (double) baseline;
        ctx.report().target(what, "≤ " + Units.ratio(limit) + " " + tool, Units.ratio(r) + " (" + Units.seconds(fitaNanos)
                + " vs " + Units.seconds(baseline) + ")", r <= limit);
    }
}
