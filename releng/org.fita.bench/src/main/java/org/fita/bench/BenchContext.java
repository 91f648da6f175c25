package org.fita.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;

/** What every scenario works with: the server process, a logged-in session, the scratch folder. */
record BenchContext(BenchOptions options, Path scratch, ServerProcess server, StepSession session,
        HeapMeter clientHeap, RandomFiles files, Report report, Charts charts) {

    static final String USER = "bench";
    /** Longer than any transfer of the default scenarios takes on a slow machine. */
    private static final Duration TRANSFER_LIMIT = Duration.ofMinutes(5);
    private static final AtomicReference<Throwable> LAST_DEATH = new AtomicReference<>();
    private static final AtomicInteger DEATHS = new AtomicInteger();
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-await");
        t.setDaemon(true);
        return t;
    });

    /**
     * An Error thrown on an engine thread (OutOfMemoryError) leaves its transfer unfinished, and
     * await() would wait forever: record such errors so that waiting can give up with the cause.
     */
    static void watchEngineThreads() {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            LAST_DEATH.set(error);
            DEATHS.incrementAndGet();
            System.err.println("[bench] " + thread.getName() + " died: " + error);
        });
    }

    /** A fresh folder for one scenario's files. */
    Path folder(String name) throws IOException {
        return Files.createDirectories(scratch.resolve(name));
    }

    /**
     * Wall times of one transfer, from the call that starts it.
     *
     * @param total    until the verified result
     * @param lastByte until the engine counted the last byte as moved (the rest is verifying and syncing)
     */
    record Timing(long total, long lastByte) {
    }

    /** Uploads, having checked the MD5 against the expected one (null: only the engine's check). */
    static Timing upload(StepSession session, Path file, String key, TransferOptions options, TransferProbe probe,
            String expectedMd5) throws StepException {
        TransferProbe p = probe != null ? probe : new TransferProbe();
        long start = System.nanoTime();
        TransferResult result = await(session.upload(file, key, options, p));
        return timing(start, p, result, expectedMd5);
    }

    static Timing download(StepSession session, String key, Path target, TransferOptions options, TransferProbe probe,
            String expectedMd5) throws StepException {
        TransferProbe p = probe != null ? probe : new TransferProbe();
        long start = System.nanoTime();
        TransferResult result = await(session.download(key, target, options, p));
        return timing(start, p, result, expectedMd5);
    }

    private static Timing timing(long start, TransferProbe probe, TransferResult result, String expectedMd5) {
        long total = System.nanoTime() - start;
        check(result, expectedMd5);
        return new Timing(total, probe.lastByteAt() > 0 ? probe.lastByteAt() - start : total);
    }

    private static TransferResult await(Transfer transfer) throws StepException {
        int deathsBefore = DEATHS.get();
        CompletableFuture<TransferResult> done = CompletableFuture.supplyAsync(() -> {
            try {
                return transfer.await();
            } catch (StepException e) {
                throw new CompletionException(e);
            }
        }, WAITERS);
        long deadline = System.nanoTime() + TRANSFER_LIMIT.toNanos();
        while (true) {
            try {
                return done.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Throwable died = DEATHS.get() != deathsBefore ? LAST_DEATH.get() : null;
                if (died != null || System.nanoTime() > deadline) {
                    transfer.cancel();
                    throw new IllegalStateException("The transfer of \"" + transfer.info().key() + "\" never finished"
                            + (died != null ? ": an engine thread died of " + died : " within " + TRANSFER_LIMIT), died);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                transfer.cancel();
                throw new IllegalStateException("Interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StepException s) {
                    throw s;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** The engine verified against the server; this also checks both against md5sum of the source. */
    private static void check(TransferResult result, String expectedMd5) {
        if (expectedMd5 != null && !expectedMd5.equalsIgnoreCase(result.md5())) {
            throw new IllegalStateException("The transfer of \"" + result.key() + "\" has MD5 " + result.md5()
                    + ", but md5sum says " + expectedMd5);
        }
    }
}
