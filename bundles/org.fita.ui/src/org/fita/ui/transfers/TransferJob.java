package org.fita.ui.transfers;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobGroup;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.Formats;
import org.fita.ui.preferences.FitaPreferences;

/**
 * Runs one transfer task as a job, so that it also shows in the platform's progress reporting.
 * The engine's events are queued and applied to the monitor on the job's own thread (progress
 * monitors are not thread-safe); cancelling the job cancels the transfer. A failure is shown in
 * the Transfers view, not as a job error dialog.
 */
public final class TransferJob extends Job {
    /** The family of every transfer job, for {@link Job#belongsTo}. */
    public static final Object FAMILY = TransferJob.class;
    private static final int TICKS = 1000;
    /**
     * The group that lets {@link FitaPreferences#transfersAtOnce()} transfers run at once; the rest
     * wait as queued. Each may use several connections: a dropped folder of a thousand files must
     * not open thousands against one server. A group's limit is fixed, so a changed preference
     * makes a new group for the transfers started afterwards.
     */
    private static JobGroup running;

    private final TransferTask task;

    private TransferJob(TransferTask task) {
        super((task.direction() == TransferInfo.Direction.UPLOAD ? "Uploading " : "Downloading ") + task.key());
        this.task = task;
        setUser(false);
        setJobGroup(runningGroup());
    }

    private static synchronized JobGroup runningGroup() {
        int atOnce = FitaPreferences.transfersAtOnce();
        if (running == null || running.getMaxThreads() != atOnce) {
            running = new JobGroup("FiTA transfers", atOnce, 0);
        }
        return running;
    }

    /** Schedules a job that runs {@code task} (queued, or requeued for a retry). */
    public static TransferJob schedule(TransferTask task) {
        TransferJob job = new TransferJob(task);
        job.schedule();
        return job;
    }

    /**
     * Resumes a paused task: wakes its running transfer, or, for one paused in an earlier run of
     * FiTA (nothing running to wake), runs it again from what was already moved.
     */
    public static void resume(TransferTask task) {
        if (task.wasPausedWhenStopped()) {
            task.requeue();
            schedule(task);
        } else {
            task.resume();
        }
    }

    public TransferTask task() {
        return task;
    }

    @Override
    public boolean belongsTo(Object family) {
        return family == FAMILY;
    }

    @Override
    protected void canceling() {
        task.cancel();
    }

    @Override
    protected IStatus run(IProgressMonitor monitor) {
        BlockingQueue<TransferEvent> events = new LinkedBlockingQueue<>();
        monitor.beginTask(getName(), TICKS);
        // Every run ends with exactly one last event (verified, failed or cancelled), even when it cannot start.
        task.start(events::add);
        int reported = 0;
        try {
            while (true) {
                TransferEvent event = events.take();
                if (event instanceof TransferEvent.Progress p && p.size() > 0) {
                    int ticks = (int) (TICKS * p.bytesDone() / p.size());
                    monitor.worked(ticks - reported);
                    reported = ticks;
                    monitor.subTask(Formats.bytes(p.bytesDone()) + " of " + Formats.bytes(p.size()) + ", "
                            + Formats.speed(p.bytesPerSecond()));
                } else if (event instanceof TransferEvent.Paused) {
                    monitor.subTask("Paused");
                } else if (isLast(event)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel();
        } finally {
            monitor.done();
        }
        return task.status().state() == TransferTask.State.CANCELLED ? Status.CANCEL_STATUS : Status.OK_STATUS;
    }

    private static boolean isLast(TransferEvent event) {
        return event instanceof TransferEvent.Verified || event instanceof TransferEvent.Failed
                || event instanceof TransferEvent.Cancelled;
    }
}
