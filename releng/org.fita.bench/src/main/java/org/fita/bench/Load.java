package org.fita.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;

/**
 * The server under load on an open network: many idle connections, each logged in (the kind the
 * server must keep), while classic stop-and-wait clients upload at once. It measures the active
 * clients with and without the idle ones (the baseline of the same run), and the server's resident
 * memory and thread count as the operating system sees them.
 */
final class Load {
    private static final String USER_PREFIX = "load";
    private static final int OPENERS = 8;
    private static final int ALONE_RUNS = 7;
    private static final int ROUNDS = 3;

    private final BenchContext ctx;
    private final BenchOptions options;
    private final Report report;
    private final byte[] file;
    private final String md5;

    Load(BenchContext ctx) throws Exception {
        this.ctx = ctx;
        this.options = ctx.options();
        this.report = ctx.report();
        this.file = new byte[(int) options.loadSize()];
        new java.util.Random(42).nextBytes(file);
        this.md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file));
    }

    /** One run of the concurrent uploaders: wall time, every client's time, server peaks. */
    private record Run(long wallNanos, List<Long> clientNanos, long peakRssKib, int peakThreads) {
        double mbPerSecond(long bytesEach) {
            return clientNanos.size() * (double) bytesEach / (wallNanos / 1e9) / 1e6;
        }

        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(clientNanos);
            sorted.sort(null);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    void run() throws Exception {
        long pid = ctx.server().pid();
        int clients = options.loadClients();
        // A full collection shrinks the heap, and the next run pays to grow it again: the heap is
        // measured before the runs, and after the run it would slow down, never just before one.
        long restLive = ctx.server().liveHeap();
        ProcStatus rest = ProcStatus.of(pid);
        report.progress("load: server at rest: " + rest + ", live heap " + Units.mib(restLive));
        // Unmeasured: the server's code is compiled and its heap grown before the baseline.
        uploaders(clients, "warm-up");
        Run single = alone("single-base");
        // Rounds of baseline and loaded runs in turn, so that a slower moment of a shared machine
        // (or what an earlier run left to the disk) does not pass for the idle connections' cost.
        List<Run> bases = new ArrayList<>();
        List<Run> loadeds = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try {
            ProcStatus withIdle = null;
            long idleLive = -1;
            for (int round = 0; round < ROUNDS; round++) {
                bases.add(uploaders(clients, "base-" + round));
                openIdle(idle, options.loadIdle());
                if (withIdle == null) {
                    withIdle = ProcStatus.of(pid);
                    report.progress("load: " + idle.size() + " idle connections: " + withIdle);
                }
                loadeds.add(uploaders(clients, "loaded-" + round));
                if (round < ROUNDS - 1) {
                    closeAll(idle);
                }
            }
            idleLive = ctx.server().liveHeap();
            openIdle(idle, options.loadManyIdle());
            long manyLive = ctx.server().liveHeap();
            ProcStatus many = ProcStatus.of(pid);
            report.progress("load: " + idle.size() + " idle connections: " + many + ", live heap " + Units.mib(manyLive));
            uploaders(clients, "warm-up-again");
            Run singleMany = alone("single-many");

            Table runs = new Table("run", "idle connections", "clients x size", "aggregate MB/s", "p50 per client",
                    "p95 per client", "server RSS peak", "server threads peak");
            for (int round = 0; round < ROUNDS; round++) {
                Run base = bases.get(round);
                Run loaded = loadeds.get(round);
                runs.row("baseline " + (round + 1), 0, clients + " x " + Units.size(file.length), mbs(base),
                        ms(base.percentile(0.5)), ms(base.percentile(0.95)), Units.mib(base.peakRssKib() * 1024),
                        base.peakThreads());
                runs.row("under load " + (round + 1), options.loadIdle(), clients + " x " + Units.size(file.length),
                        mbs(loaded), ms(loaded.percentile(0.5)), ms(loaded.percentile(0.95)),
                        Units.mib(loaded.peakRssKib() * 1024), loaded.peakThreads());
            }
            runs.row("one client, baseline", 0, ALONE_RUNS + " x 1 x " + Units.size(file.length), mbs(single),
                    ms(single.percentile(0.5)), ms(single.percentile(0.95)), Units.mib(single.peakRssKib() * 1024),
                    single.peakThreads());
            runs.row("one client, many idle", options.loadManyIdle(), ALONE_RUNS + " x 1 x " + Units.size(file.length),
                    mbs(singleMany), ms(singleMany.percentile(0.5)), ms(singleMany.percentile(0.95)),
                    Units.mib(singleMany.peakRssKib() * 1024), singleMany.peakThreads());
            Table memory = new Table("server state", "RSS", "threads", "live heap after a full GC",
                    "live heap per idle connection");
            memory.row("at rest (1 connection), before the runs", Units.mib(rest.rssKib() * 1024), rest.threads(),
                    Units.mib(restLive), "");
            memory.row(options.loadIdle() + " idle", Units.mib(withIdle.rssKib() * 1024), withIdle.threads(),
                    Units.mib(idleLive), perConnection(idleLive, restLive, options.loadIdle()));
            memory.row(options.loadManyIdle() + " idle, right after a full GC", Units.mib(many.rssKib() * 1024), many.threads(),
                    Units.mib(manyLive), perConnection(manyLive, restLive, options.loadManyIdle()));
            report.section("Load: idle connections and concurrent stop-and-wait uploads",
                    "Classic clients (LOGIN, FILE SAVE, UPLOAD blocks of 20480 bytes, each waiting for its reply),"
                            + " all at once, each on its own connection; every file's MD5 checked. Idle connections"
                            + " are logged in, so the server must keep them. The server runs with "
                            + String.join(" ", options.serverJavaOptions()) + ".\n\n" + runs.markdown() + "\n"
                            + memory.markdown());
            double slowdown = medianP95(loadeds) / (double) medianP95(bases);
            report.target("idle connections do not slow active clients", "median of the rounds' p95 with "
                    + options.loadIdle() + " idle <= 1.5 x baseline", String.format(Locale.ROOT, "%.2f x", slowdown),
                    slowdown <= 1.5);
            double singleSlowdown = singleMany.percentile(0.5) / (double) single.percentile(0.5);
            report.target("one client among " + options.loadManyIdle() + " idle", "median time <= 1.5 x baseline",
                    String.format(Locale.ROOT, "%.2f x", singleSlowdown), singleSlowdown <= 1.5);
            // The larger of: right after the collection, and the peak while one client uploaded among them.
            long manyRss = Math.max(many.rssKib(), singleMany.peakRssKib());
            report.target("server RSS with " + options.loadManyIdle() + " idle connections", "<= 1 GiB",
                    Units.mib(manyRss * 1024), manyRss <= 1024 * 1024);
        } finally {
            closeAll(idle);
        }
    }

    private static long medianP95(List<Run> runs) {
        List<Long> p95 = new ArrayList<>(runs.stream().map(r -> r.percentile(0.95)).toList());
        p95.sort(null);
        return p95.get(p95.size() / 2);
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    private String mbs(Run run) {
        return String.format(Locale.ROOT, "%.0f", run.mbPerSecond(file.length));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static String perConnection(long live, long restLive, int connections) {
        return String.format(Locale.ROOT, "%.1f KiB", Math.max(0, live - restLive) / 1024.0 / connections);
    }

    /** Opens idle connections until there are {@code total}, each logged in, from a few threads at once. */
    private void openIdle(List<Socket> idle, int total) throws Exception {
        int missing = total - idle.size();
        if (missing <= 0) {
            return;
        }
        long started = System.nanoTime();
        ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
        try {
            List<Future<Socket>> opened = new ArrayList<>();
            for (int i = 0; i < missing; i++) {
                int n = idle.size() + i;
                opened.add(openers.submit(() -> loggedIn(USER_PREFIX + "-idle-" + (n % 100))));
            }
            for (Future<Socket> f : opened) {
                idle.add(f.get());
            }
        } finally {
            openers.shutdownNow();
        }
        report.progress(String.format(Locale.ROOT, "load: opened %d idle connections in %.1f s", missing,
                (System.nanoTime() - started) / 1e9));
    }

    private Socket loggedIn(String user) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", ctx.server().port()), 10_000);
            s.setSoTimeout(30_000);
            FrameWriter w = new FrameWriter(s.getOutputStream());
            w.write(Requests.login(user, org.fita.transfer.StepSession.classicPassword(user)));
            w.flush();
            FrameReader.IncomingFrame reply = new FrameReader(s.getInputStream(), FrameLimits.CLIENT_DEFAULT).next();
            if (reply == null || !reply.message().isOk()) {
                throw new IOException("An idle connection could not log in: " + (reply == null ? "closed" : reply.message()));
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** One client alone, {@link #ALONE_RUNS} times in a row: one run is too short to time on a shared machine. */
    private Run alone(String name) throws Exception {
        long wall = 0;
        List<Long> each = new ArrayList<>();
        long rss = 0;
        int threads = 0;
        for (int i = 0; i < ALONE_RUNS; i++) {
            Run one = uploaders(1, name + "-" + i);
            wall += one.wallNanos();
            each.addAll(one.clientNanos());
            rss = Math.max(rss, one.peakRssKib());
            threads = Math.max(threads, one.peakThreads());
        }
        return new Run(wall, each, rss, threads);
    }

    /** {@code count} classic clients upload the file at once; returns when all have finished. */
    private Run uploaders(int count, String name) throws Exception {
        long pid = ctx.server().pid();
        AtomicInteger done = new AtomicInteger();
        long[] peak = new long[2];
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (done.get() < count) {
                ProcStatus p = ProcStatus.of(pid);
                peak[0] = Math.max(peak[0], p.rssKib());
                peak[1] = Math.max(peak[1], p.threads());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<Long>> times = new ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < count; i++) {
            String key = name + "-" + i + ".bin";
            String user = USER_PREFIX + "-" + (i % 20);
            times.add(pool.submit(() -> {
                go.await();
                try {
                    return uploadOnce(user, key);
                } finally {
                    done.incrementAndGet();
                }
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        List<Long> clientNanos = new ArrayList<>();
        try {
            for (Future<Long> f : times) {
                clientNanos.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long wall = System.nanoTime() - started;
        sampler.join(1000);
        Run run = new Run(wall, clientNanos, peak[0], (int) peak[1]);
        report.progress(String.format(Locale.ROOT, "load: %s: %d clients in %.2f s, %.0f MB/s", name, count, wall / 1e9,
                run.mbPerSecond(file.length)));
        cleanUp(name, count);
        return run;
    }

    /** Logs in, uploads stop-and-wait, checks the MD5; returns the time taken. */
    private long uploadOnce(String user, String key) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ctx.server().port()), 10_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            BufferedOutputStream out = new BufferedOutputStream(s.getOutputStream(), 32 * 1024);
            FrameWriter w = new FrameWriter(out);
            FrameReader r = new FrameReader(new BufferedInputStream(s.getInputStream(), 16 * 1024),
                    FrameLimits.CLIENT_DEFAULT);
            StepMessage login = call(w, r, Requests.login(user, org.fita.transfer.StepSession.classicPassword(user)), null);
            String token = login.string(Fields.TOKEN).orElseThrow();
            StepMessage plan = call(w, r, Requests.fileSave(token, key, file.length), null);
            int bs = (int) plan.integer(Fields.BLOCK_SIZE).orElseThrow();
            long total = plan.integer(Fields.TOTAL_BLOCK).orElseThrow();
            String got = null;
            for (long i = 0; i < total; i++) {
                int from = (int) (i * bs);
                int len = Math.min(bs, file.length - from);
                w.write(Requests.upload(token, key, i), file, from, len);
                w.flush();
                StepMessage reply = next(r);
                got = reply.string(Fields.MD5).orElse(got);
            }
            if (!md5.equals(got)) {
                throw new IOException("The upload of " + key + " ended with MD5 " + got + ", expected " + md5);
            }
        }
        return System.nanoTime() - start;
    }

    private static StepMessage call(FrameWriter w, FrameReader r, com.google.gson.JsonObject request, byte[] payload)
            throws IOException {
        w.write(request, payload, 0, payload == null ? 0 : payload.length);
        w.flush();
        return next(r);
    }

    private static StepMessage next(FrameReader r) throws IOException {
        FrameReader.IncomingFrame frame = r.next();
        if (frame == null) {
            throw new IOException("The server closed the connection.");
        }
        StepMessage m = frame.message();
        frame.skipRemaining();
        if (!m.isOk()) {
            throw new IOException("The server refused: " + m);
        }
        return m;
    }

    /** Deletes a run's files so that the runs do not fill the disk. */
    private void cleanUp(String name, int count) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ctx.server().port()), 10_000);
            s.setSoTimeout(60_000);
            BufferedOutputStream out = new BufferedOutputStream(s.getOutputStream());
            FrameWriter w = new FrameWriter(out);
            FrameReader r = new FrameReader(new BufferedInputStream(s.getInputStream()), FrameLimits.CLIENT_DEFAULT);
            java.util.Map<String, String> tokens = new java.util.HashMap<>();
            for (int i = 0; i < count; i++) {
                String user = USER_PREFIX + "-" + (i % 20);
                String token = tokens.get(user);
                if (token == null) {
                    token = call(w, r, Requests.login(user, org.fita.transfer.StepSession.classicPassword(user)), null)
                            .string(Fields.TOKEN).orElseThrow();
                    tokens.put(user, token);
                }
                call(w, r, Requests.fileDelete(token, name + "-" + i + ".bin"), null);
            }
        }
    }

    /** VmRSS and Threads of a process, from /proc/PID/status (Linux). */
    record ProcStatus(long rssKib, int threads) {
        static ProcStatus of(long pid) {
            long rss = -1;
            int threads = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("\\D+", ""));
                    } else if (line.startsWith("Threads:")) {
                        threads = Integer.parseInt(line.replaceAll("\\D+", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Off Linux: unknown.
            }
            return new ProcStatus(rss, threads);
        }

        @Override
        public String toString() {
            return "RSS " + Units.mib(rssKib * 1024) + ", " + threads + " threads";
        }
    }
}
