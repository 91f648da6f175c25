package org.fita.transfer;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.fita.transfer.StepException.CancelledException;

/**
 * The lanes of one transfer attempt, for uploads and downloads alike: starts them, adds one when
 * {@link Parallelism} says so, keeps the first failure whatever a lane threw (so that a lane can
 * never end unreported), and stops them all.
 */
final class LaneGroup {
    /** One lane's work on its own connection; it returns when there is nothing left for it. */
    @FunctionalInterface
    interface Lane {
        void run() throws StepException, IOException, InterruptedException;
    }

    private static final long ADAPT_EVERY_NANOS = 300_000_000L;

    private final ExecutorService workers;
    private final Parallelism parallelism;
    private final ProgressMeter meter;
    private final String what;
    private final Function<IOException, StepException> localError;
    private final AtomicReference<StepException> failure = new AtomicReference<>();
    private final List<Future<?>> lanes = new CopyOnWriteArrayList<>();
    private Lane lane;
    private long nextAdapt;

    /**
     * @param what       the transfer, for messages ("The upload of \"k\"")
     * @param localError turns a local I/O failure of a lane into the exception to report
     */
    LaneGroup(ExecutorService workers, Parallelism parallelism, ProgressMeter meter, String what,
            Function<IOException, StepException> localError) {
        this.workers = workers;
        this.parallelism = parallelism;
        this.meter = meter;
        this.what = what;
        this.localError = localError;
    }

    void start(Lane work) throws StepException {
        this.lane = work;
        for (int i = 0; i < parallelism.lanes(); i++) {
            submit();
        }
        meter.parallelism(lanes.size(), parallelism.window());
        nextAdapt = System.nanoTime() + ADAPT_EVERY_NANOS;
    }

    private void submit() throws StepException {
        try {
            lanes.add(workers.submit(this::runGuarded));
        } catch (RejectedExecutionException e) {
            throw new StepException.ConnectionException(what + " stopped: its session was closed.", e);
        }
    }

    private void runGuarded() {
        try {
            lane.run();
        } catch (StepException e) {
            fail(e);
        } catch (IOException e) {
            fail(localError.apply(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new CancelledException(what + " was interrupted."));
        } catch (RuntimeException | Error e) {
            fail(new StepException(what + " failed: " + e, -1, e));
        }
    }

    /** Every ~300 ms: lets {@link Parallelism} judge the last interval, and opens a lane if it says so. */
    void adapt() throws StepException {
        long now = System.nanoTime();
        if (now < nextAdapt) {
            return;
        }
        nextAdapt = now + ADAPT_EVERY_NANOS;
        if (parallelism.sample(meter.bytesDone(), now)) {
            submit();
        }
        meter.parallelism(lanes.size(), parallelism.window());
    }

    /** Records the first failure; the lanes see it and stop. */
    void fail(StepException e) {
        failure.compareAndSet(null, e);
    }

    boolean failed() {
        return failure.get() != null;
    }

    StepException failure() {
        return failure.get();
    }

    void rethrow() throws StepException {
        StepException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** How many lanes were started. */
    int size() {
        return lanes.size();
    }

    /** Whether every lane has ended. */
    boolean allEnded() {
        return lanes.stream().allMatch(Future::isDone);
    }

    /** Waits for every lane to end by itself (their work is done), then reports a failure if one came. */
    void awaitAll() throws StepException {
        for (Future<?> f : lanes) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw stop(new CancelledException(what + " was interrupted."));
            } catch (ExecutionException e) {
                fail(new StepException(what + " failed: " + e.getCause(), -1, e.getCause()));
            }
        }
        rethrow();
    }

    /** Stops every lane for {@code cause} (unless an earlier failure is known) and returns the failure to report. */
    StepException stop(StepException cause) {
        fail(cause);
        Lanes.stop(lanes);
        return failure.get();
    }
}
