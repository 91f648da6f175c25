package org.fita.transfer.tasks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fita.transfer.Md5;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException.CancelledException;
import org.fita.transfer.StepException.KeyExistsException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.NotFoundException;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.WhenExists;

/**
 * One transfer as a workbench keeps it: what it moves, its latest {@link Status}, and the means to
 * run it (again): {@link #run} blocks until the end, {@link #start} does not. Pause, resume and
 * cancel may come from any thread. A retried task resumes through the session's journal.
 * <p>
 * A task restored from {@link TransferHistory} after a restart has no session: its next run logs
 * in again through the service's {@link TransferService.Reconnector}, or uses the session given to
 * {@link #attach}.
 */
public final class TransferTask {
    private static final AtomicInteger IDS = new AtomicInteger();

    /** {@link Transfer.State} and the time before a run starts. */
    public enum State {
        QUEUED, RUNNING, PAUSED, VERIFIED, FAILED, CANCELLED;

        public boolean isFinal() {
            return this == VERIFIED || this == FAILED || this == CANCELLED;
        }
    }

    /**
     * A snapshot for display.
     *
     * @param bytesDone      bytes the destination holds
     * @param size           bytes in all, or -1 while unknown
     * @param bytesPerSecond current speed
     * @param etaSeconds     seconds left, or -1 while unknown
     * @param message        what happened last, fit to show a person (the error, for a failure)
     */
    public record Status(State state, long bytesDone, long size, double bytesPerSecond, long etaSeconds,
            String message) {

        static final Status QUEUED = new Status(State.QUEUED, 0, -1, 0, -1, "Waiting to start");

        /**
         * The status after {@code event}. A run's final status stays: a worker's last progress report
         * may come after the run has ended (a retry starts again from {@link State#QUEUED}).
         */
        public Status next(TransferEvent event) {
            if (state.isFinal()) {
                return this;
            }
            if (event instanceof TransferEvent.Started s) {
                return new Status(State.RUNNING, s.alreadyDone(), s.size(), 0, -1,
                        s.alreadyDone() > 0 ? "Resumed: " + s.alreadyDone() + " bytes were already there" : "Started");
            }
            if (event instanceof TransferEvent.Progress p) {
                // Blocks already in flight still report after a pause.
                State now = state == State.PAUSED ? State.PAUSED : State.RUNNING;
                return new Status(now, p.bytesDone(), p.size(), now == State.PAUSED ? 0 : p.bytesPerSecond(),
                        now == State.PAUSED ? -1 : p.etaSeconds(), now == State.PAUSED ? message
                        : p.connections() + (p.connections() == 1 ? " connection, " : " connections, ") + p.window()
                                + (p.window() == 1 ? " request" : " requests") + " in flight on each");
            }
            if (event instanceof TransferEvent.Reconnecting r) {
                return new Status(State.RUNNING, bytesDone, size, 0, -1, "Reconnecting (attempt " + r.attempt() + " of "
                        + r.maxAttempts() + ") in " + Math.max(1, r.delay().toSeconds()) + " s: "
                        + r.cause().getMessage());
            }
            if (event instanceof TransferEvent.Paused) {
                return new Status(State.PAUSED, bytesDone, size, 0, -1, "Paused");
            }
            if (event instanceof TransferEvent.Resumed) {
                return new Status(State.RUNNING, bytesDone, size, 0, -1, "Running");
            }
            if (event instanceof TransferEvent.Verified v) {
                return new Status(State.VERIFIED, v.size(), v.size(), 0, 0, "Verified: MD5 " + v.md5());
            }
            if (event instanceof TransferEvent.Failed f) {
                return new Status(State.FAILED, bytesDone, size, 0, -1, f.error().getMessage());
            }
            return new Status(State.CANCELLED, bytesDone, size, 0, -1, "Cancelled");
        }
    }

    private final String id = "task-" + IDS.incrementAndGet();
    private final TransferInfo.Direction direction;
    private final ServerAddress server;
    private final String username;
    private final String key;
    private final Path localPath;
    private final WhenExists whenExists;
    private final Consumer<TransferTask> changed;
    private final Supplier<TransferService.Reconnector> reconnector;
    private volatile StepSession session;
    private volatile TransferOptions options;
    /** Unfinished when the program that ran it stopped; cleared once it runs again. */
    private volatile boolean interrupted;
    /** Paused by its user when the program that ran it stopped: it waits for Resume, not for a connection. */
    private volatile boolean pausedWhenStopped;
    /** When the status last changed, ms since the epoch. */
    private volatile long changedAt = System.currentTimeMillis();
    private final Object lock = new Object();
    private final Object statusLock = new Object();
    private volatile Status status = Status.QUEUED;
    private volatile TransferResult result;
    private long alreadyDone;
    private Transfer current;
    private CompletableFuture<TransferResult> end;
    private boolean running;
    private volatile boolean cancelRequested;

    TransferTask(TransferInfo.Direction direction, StepSession session, String key, Path localPath,
            TransferOptions options, WhenExists whenExists, Consumer<TransferTask> changed) {
        this(direction, session.address(), session.username(), key, localPath, options, whenExists, changed, () -> null);
        this.session = session;
    }

    private TransferTask(TransferInfo.Direction direction, ServerAddress server, String username, String key,
            Path localPath, TransferOptions options, WhenExists whenExists, Consumer<TransferTask> changed,
            Supplier<TransferService.Reconnector> reconnector) {
        this.direction = direction;
        this.server = server;
        this.username = username;
        this.key = key;
        this.localPath = localPath;
        this.options = optionsFor(options, whenExists);
        this.whenExists = whenExists;
        this.changed = changed;
        this.reconnector = reconnector;
    }

    private static TransferOptions optionsFor(TransferOptions options, WhenExists whenExists) {
        boolean deleteFirst = whenExists == WhenExists.OVERWRITE_DELETE_FIRST;
        return options.withOverwrite(whenExists == WhenExists.OVERWRITE || deleteFirst)
                .withDeleteFirstAllowed(deleteFirst);
    }

    /**
     * A task as an earlier run left it, without a session. One that was unfinished then comes back
     * {@link State#FAILED} and {@link #wasInterrupted() interrupted}, so that a retry resumes it;
     * one its user had paused comes back {@link State#PAUSED} and {@link #wasPausedWhenStopped()},
     * to continue when its user asks.
     */
    static TransferTask restored(TransferHistory.Entry entry, Consumer<TransferTask> changed,
            Supplier<TransferService.Reconnector> reconnector) {
        TransferTask task = new TransferTask(entry.direction(), entry.server(), entry.username(), entry.key(),
                entry.localPath(), TransferOptions.DEFAULTS, entry.whenExists(), changed, reconnector);
        task.changedAt = entry.updated();
        State state = entry.state();
        if (state.isFinal()) {
            task.status = new Status(state, entry.bytesDone(), entry.size(), 0, -1, entry.message());
            if (state == State.VERIFIED) {
                task.result = new TransferResult(entry.key(), entry.localPath(), entry.size(), entry.md5(), 0,
                        Duration.ZERO);
            }
        } else if (state == State.PAUSED) {
            task.interrupted = true;
            task.pausedWhenStopped = true;
            task.status = new Status(State.PAUSED, entry.bytesDone(), entry.size(), 0, -1,
                    "Paused when FiTA stopped.");
        } else {
            task.interrupted = true;
            task.status = new Status(State.FAILED, entry.bytesDone(), entry.size(), 0, -1,
                    "Interrupted when FiTA stopped; it continues once connected to " + entry.server() + " as \""
                            + entry.username() + "\" again.");
        }
        return task;
    }

    public String id() {
        return id;
    }

    public TransferInfo.Direction direction() {
        return direction;
    }

    public String key() {
        return key;
    }

    public Path localPath() {
        return localPath;
    }

    public ServerAddress server() {
        return server;
    }

    public String username() {
        return username;
    }

    WhenExists whenExists() {
        return whenExists;
    }

    /** When its status last changed, ms since the epoch (for a restored task: as the earlier run saw it). */
    public long changedAt() {
        return changedAt;
    }

    /** Whether it was unfinished when the program that ran it stopped, and has not run since. */
    public boolean wasInterrupted() {
        return interrupted;
    }

    /**
     * Whether it was paused when the program that ran it stopped, and has not run since: it has no
     * transfer to {@link #resume()}; {@link #requeue()} and a new run continue it.
     */
    public boolean wasPausedWhenStopped() {
        return pausedWhenStopped;
    }

    /** Whether it has a session to run on; one without logs in through the service when it runs. */
    public boolean hasSession() {
        return session != null;
    }

    /**
     * Gives a restored task the session (of the same server and user) and options to run on next.
     *
     * @throws IllegalArgumentException if the session is another server's or user's
     */
    public void attach(StepSession session, TransferOptions options) {
        if (!session.address().equals(server) || !session.username().equals(username)) {
            throw new IllegalArgumentException("The transfer of \"" + key + "\" belongs to " + username + "@" + server
                    + ", not to " + session.username() + "@" + session.address() + ".");
        }
        this.options = optionsFor(options, whenExists);
        this.session = session;
    }

    /** What {@link #discardPartialUpload()} did. */
    public enum Discarded {
        /** Whatever the server held of the upload is gone (maybe nothing was left). */
        REMOVED,
        /** A finished file has the key (an earlier version, or another upload's): it was left alone. */
        FINISHED_FILE_KEPT
    }

    /**
     * Removes from the server the blocks a failed or cancelled upload left there (FILE DELETE of a
     * key that is not finished drops them, on classic servers too). A finished file under the key is
     * never deleted: it is looked up first.
     *
     * @throws IllegalStateException if this is not an upload that ended without verifying
     */
    public Discarded discardPartialUpload() throws StepException {
        State state = status.state();
        if (direction != TransferInfo.Direction.UPLOAD || !(state == State.FAILED || state == State.CANCELLED)) {
            throw new IllegalStateException("Only a failed or cancelled upload leaves a partial file; \"" + key + "\" is "
                    + state + ".");
        }
        StepSession current = session();
        try {
            current.stat(key);
            return Discarded.FINISHED_FILE_KEPT;
        } catch (NotFoundException e) {
            // Not finished: what the server holds, if anything, is this upload's.
        }
        try {
            current.delete(key);
        } catch (NotFoundException e) {
            // The usual answer: "not completely uploaded, the tmp files are deleted", or nothing was there.
        }
        return Discarded.REMOVED;
    }

    /** Gives a task that has not started yet, or will run again, the options of its next run. */
    public void useOptions(TransferOptions options) {
        this.options = options.withOverwrite(whenExists == WhenExists.OVERWRITE);
    }

    /** Whether its next or current run is on {@code session}. */
    boolean runsOn(StepSession session) {
        return this.session == session;
    }

    /** Whether it is queued, running or paused: it holds its session's connections or will soon. */
    boolean isActive() {
        return !status.state().isFinal();
    }

    /** Lets go of {@code closing} unless it runs on it now; its next run then logs in again. */
    void detachFrom(StepSession closing) {
        synchronized (lock) {
            if (session == closing && !running) {
                session = null;
            }
        }
    }

    public Status status() {
        return status;
    }

    /** The session it runs on next (or now), or null. */
    StepSession session0() {
        return session;
    }

    /** Whether a run is under way. */
    boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    /** Moves a task that is not running to {@code replacement} (same server and user); false if it runs. */
    boolean moveTo(StepSession replacement) {
        synchronized (lock) {
            if (running) {
                return false;
            }
            session = replacement;
            return true;
        }
    }

    /** The verified result, or null before verification. */
    public TransferResult result() {
        return result;
    }

    /**
     * Runs the transfer to its end on the calling thread. {@code observer} gets every event too
     * (on the engine's threads).
     *
     * @throws IllegalStateException if it runs already or was verified
     */
    public TransferResult run(TransferListener observer) throws StepException {
        CompletableFuture<TransferResult> end = start(observer);
        try {
            return end.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new CancelledException("Interrupted while waiting for the transfer of \"" + key + "\".");
        } catch (ExecutionException e) {
            throw (StepException) e.getCause();
        }
    }

    /**
     * Starts the transfer and returns at once (after the destination check of
     * {@link WhenExists#KEEP_IDENTICAL}, which reads the local file on the calling thread). The
     * future ends with the verified result or the {@link StepException}, after the last event.
     *
     * @throws IllegalStateException if it runs already or was verified
     */
    public CompletableFuture<TransferResult> start(TransferListener observer) {
        CompletableFuture<TransferResult> end = new CompletableFuture<>();
        synchronized (lock) {
            if (running || status.state() == State.VERIFIED) {
                throw new IllegalStateException("The transfer of \"" + key + "\" is " + status.state() + ".");
            }
            running = true;
            current = null;
            this.end = end;
        }
        TransferListener listener = event -> update(event, observer);
        try {
            if (cancelRequested) {
                throw new CancelledException("The transfer of \"" + key + "\" was cancelled before it started.");
            }
            StepSession session = session();
            interrupted = false;
            pausedWhenStopped = false;
            if (whenExists == WhenExists.KEEP_IDENTICAL && keptIdentical(session, listener)) {
                return end;
            }
            synchronized (lock) {
                current = direction == TransferInfo.Direction.UPLOAD
                        ? session.upload(localPath, key, options, listener)
                        : session.download(key, localPath, options, listener);
                if (cancelRequested) {
                    current.cancel();
                }
            }
        } catch (StepException e) {
            // Failed before the engine could report it (a refused key, a differing destination).
            update(e instanceof CancelledException ? new TransferEvent.Cancelled(info())
                    : new TransferEvent.Failed(info(), e), observer);
        } catch (RuntimeException e) {
            update(new TransferEvent.Failed(info(), new StepException("The transfer of \"" + key
                    + "\" could not start: " + e, -1, e)), observer);
        }
        return end;
    }

    /** With {@link WhenExists#KEEP_IDENTICAL}: true if the destination is already this content. */
    private boolean keptIdentical(StepSession session, TransferListener listener) throws StepException {
        long started = System.nanoTime();
        RemoteFile remote;
        try {
            remote = session.stat(key);
        } catch (NotFoundException e) {
            if (direction == TransferInfo.Direction.UPLOAD) {
                return false; // nothing finished there: upload, resuming what the server holds
            }
            throw e;
        }
        if (direction == TransferInfo.Direction.DOWNLOAD && !Files.exists(localPath)) {
            return false; // nothing finished here: download, continuing a part file
        }
        long localSize;
        try {
            localSize = Files.size(localPath);
        } catch (java.io.IOException e) {
            throw new LocalFileException("Cannot read " + localPath + ": " + e.getMessage(), e);
        }
        String localMd5 = Md5.ofFile(localPath);
        if (localSize != remote.size() || !localMd5.equalsIgnoreCase(remote.md5())) {
            String where = direction == TransferInfo.Direction.UPLOAD ? "\"" + key + "\" on the server" : localPath.toString();
            String message = where + " already exists with different content (MD5 " + remote.md5() + " on the server, "
                    + localMd5 + " here); replace it or choose another name.";
            throw direction == TransferInfo.Direction.UPLOAD ? new KeyExistsException(message, -1)
                    : new LocalFileException(message, null);
        }
        TransferInfo info = info();
        listener.onEvent(new TransferEvent.Started(info, localSize, localSize));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        listener.onEvent(new TransferEvent.Verified(info, localMd5, localSize, elapsed));
        return true;
    }

    /** The session to run on: the task's own, or a new login for a restored task. */
    private StepSession session() throws StepException {
        StepSession current = session;
        if (current != null && !current.isClosed()) {
            return current; // it reconnects and logs in again by itself when the server dropped it
        }
        TransferService.Reconnector r = reconnector.get();
        if (r == null) {
            throw new StepException.ConnectionException("Not connected to " + server + " as \"" + username
                    + "\".", null);
        }
        try {
            current = r.connect(server, username);
        } catch (StepException e) {
            throw new StepException.ConnectionException("Could not log in to " + server + " as \"" + username
                    + "\" to continue: " + e.getMessage() + " It continues once connected there again.", e);
        }
        session = current;
        return current;
    }

    private TransferInfo info() {
        return new TransferInfo(id, direction, key, localPath, server);
    }

    private void update(TransferEvent event, TransferListener observer) {
        // Events come from several engine threads (and pause from the caller's): fold them one at a time.
        synchronized (statusLock) {
            if (event instanceof TransferEvent.Started s) {
                alreadyDone = s.alreadyDone();
            } else if (event instanceof TransferEvent.Verified v) {
                // Listeners hear of the verification before the future ends: give them the result now.
                result = new TransferResult(key, localPath, v.size(), v.md5(), v.size() - alreadyDone, v.elapsed());
            }
            status = status.next(event);
            changedAt = System.currentTimeMillis();
        }
        changed.accept(this);
        observer.onEvent(event);
        if (status.state().isFinal()) {
            finish(event);
        }
    }

    /** Ends the run after its last event: the future completes, and the task may run again. */
    private void finish(TransferEvent last) {
        CompletableFuture<TransferResult> ended;
        synchronized (lock) {
            ended = end;
            running = false;
            cancelRequested = false;
        }
        if (last instanceof TransferEvent.Failed f) {
            ended.completeExceptionally(f.error());
        } else if (last instanceof TransferEvent.Cancelled) {
            ended.completeExceptionally(new CancelledException("The transfer of \"" + key + "\" was cancelled."));
        } else {
            ended.complete(result);
        }
    }

    public void pause() {
        Transfer t = currentTransfer();
        if (t != null) {
            t.pause();
        }
    }

    public void resume() {
        Transfer t = currentTransfer();
        if (t != null) {
            t.resume();
        }
    }

    /** Stops the run at its next block, or the next run before it starts. */
    public void cancel() {
        Transfer t;
        boolean waitingForResume;
        synchronized (lock) {
            cancelRequested = true;
            t = current;
            waitingForResume = waitsForResume();
            if (waitingForResume) {
                pausedWhenStopped = false;
                interrupted = false;
                synchronized (statusLock) {
                    status = new Status(State.CANCELLED, status.bytesDone(), status.size(), 0, -1, "Cancelled");
                    changedAt = System.currentTimeMillis();
                }
            }
        }
        if (t != null) {
            t.cancel();
        }
        if (waitingForResume) {
            changed.accept(this);
        }
    }

    /** Restored paused, and not started since: there is no transfer to resume, only a new run. Caller holds lock. */
    private boolean waitsForResume() {
        return pausedWhenStopped && !running;
    }

    /** Whether {@link #run} may be called again: it failed or was cancelled. */
    public boolean canRetry() {
        State s = status.state();
        return s == State.FAILED || s == State.CANCELLED;
    }

    /** Back to {@link State#QUEUED} before a retry, or before continuing one {@link #wasPausedWhenStopped()}. */
    public void requeue() {
        synchronized (lock) {
            if (!canRetry() && !waitsForResume()) {
                throw new IllegalStateException("Only a failed or cancelled transfer can be retried.");
            }
            cancelRequested = false;
            synchronized (statusLock) {
                status = Status.QUEUED;
                changedAt = System.currentTimeMillis();
            }
        }
        changed.accept(this);
    }

    private Transfer currentTransfer() {
        synchronized (lock) {
            return current;
        }
    }

    @Override
    public String toString() {
        return direction + " " + key + " (" + status.state() + ")";
    }
}
