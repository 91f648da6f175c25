package org.fita.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fita.protocol.Blocks;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * A long link: the session goes through a {@link DelayProxy} that delays each direction, and the
 * ways of filling the link (more connections, more requests in flight, larger blocks, adaptive)
 * are compared with classic stop-and-wait.
 */
final class Wan {
    private static final double SPEED_UP_TARGET = 10;
    private static final int ROUND_TRIP_PROBES = 5;

    private record Mode(String name, TransferOptions options) {
    }

    private static final List<Mode> MODES = List.of(
            new Mode("stop-and-wait (classic)", new TransferOptions(1, 1, Blocks.CLASSIC_BLOCK_SIZE, false, 0)),
            new Mode("4 connections", new TransferOptions(4, 1, Blocks.CLASSIC_BLOCK_SIZE, false, 0)),
            new Mode("pipelining", new TransferOptions(1, 32, Blocks.CLASSIC_BLOCK_SIZE, false, 0)),
            new Mode("large blocks", new TransferOptions(1, 1, 0, false, 0)),
            new Mode("large blocks, 4 connections", new TransferOptions(4, 1, 0, false, 0)),
            new Mode("large blocks, pipelining", new TransferOptions(1, 16, 0, false, 0)),
            new Mode("adaptive (defaults)", TransferOptions.DEFAULTS));

    private final BenchContext ctx;

    Wan(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        long size = ctx.options().wanSize();
        long delayMillis = ctx.options().wanDelay().toMillis();
        Path in = ctx.folder("wan-in");
        Path out = ctx.folder("wan-out");
        Path file = in.resolve("wan.bin");
        ctx.files().write(file, size);
        String md5 = Md5sum.measure(List.of(file), 1).md5();
        Table table = new Table("mode", "connections", "window", "block", "upload", "MB/s", "speed-up", "download",
                "MB/s", "speed-up", "used (up / down)");
        long roundTrip;
        double[] adaptiveSpeedUp = new double[2];
        try (DelayProxy proxy = new DelayProxy(ctx.server().port(), ctx.options().wanDelay());
                StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", proxy.port()),
                        BenchContext.USER, StepSession.classicPassword(BenchContext.USER))) {
            roundTrip = roundTrip(session);
            long[] baseline = null;
            for (Mode mode : MODES) {
                ctx.report().progress("WAN " + delayMillis + " ms each way, " + Units.size(size) + ": " + mode.name());
                String key = "wan/" + mode.name();
                Path target = out.resolve(mode.name().replaceAll("[^A-Za-z0-9]+", "-") + ".bin");
                TransferProbe upProbe = new TransferProbe();
                TransferProbe downProbe = new TransferProbe();
                long up = BenchContext.upload(session, file, key, mode.options(), upProbe, md5).total();
                long down = BenchContext.download(session, key, target, mode.options(), downProbe, md5).total();
                Files.delete(target);
                session.delete(key);
                if (baseline == null) {
                    baseline = new long[] {up, down};
                }
                double upSpeedUp = baseline[0] / (double) up;
                double downSpeedUp = baseline[1] / (double) down;
                if (mode.options().equals(TransferOptions.DEFAULTS)) {
                    adaptiveSpeedUp = new double[] {upSpeedUp, downSpeedUp};
                }
                TransferOptions o = mode.options();
                table.row(mode.name(), o.connections() == 0 ? "adaptive" : o.connections(),
                        o.window() == 0 ? "adaptive" : o.window(),
                        Units.size(o.blockSize() == 0 ? TransferOptions.DEFAULT_BLOCK_SIZE : o.blockSize()),
                        Units.seconds(up), Units.rate(size, up), Units.ratio(upSpeedUp), Units.seconds(down),
                        Units.rate(size, down), Units.ratio(downSpeedUp),
                        upProbe.describe() + " / " + downProbe.describe());
            }
        }
        Files.delete(file);
        ctx.report().section("WAN: " + delayMillis + " ms each way through a delay line, " + Units.size(size) + " file",
                "Measured round trip of a control request through the proxy: " + Units.millis(roundTrip)
                        + " (median of " + ROUND_TRIP_PROBES + "). Times are wall times of verified transfers; "
                        + "speed-up is over stop-and-wait in the same direction; \"used\" is the most connections "
                        + "× window the engine reported (– if it finished before its first progress report).\n\n"
                        + table.markdown());
        String[] directions = {"upload", "download"};
        for (int i = 0; i < 2; i++) {
            ctx.report().target("WAN " + directions[i] + ", adaptive vs stop-and-wait",
                    "≥ " + Units.ratio(SPEED_UP_TARGET) + " faster", Units.ratio(adaptiveSpeedUp[i]) + " faster",
                    adaptiveSpeedUp[i] >= SPEED_UP_TARGET);
        }
    }

    /** A request and its reply on the control connection: checks that the proxy adds what it should. */
    private static long roundTrip(StepSession session) throws Exception {
        Samples samples = new Samples();
        for (int i = 0; i < ROUND_TRIP_PROBES; i++) {
            long start = System.nanoTime();
            session.list("no-such-prefix/");
            samples.add(System.nanoTime() - start);
        }
        return samples.median();
    }
}
