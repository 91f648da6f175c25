package org.fita.ui.explorer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.UiThread;

/**
 * Follows the transfers one Upload or Download started, and replaces the explorer's "Downloading
 * 3 files..." with how they ended once every one has: all verified, or how many failed and why.
 */
final class BatchOutcome implements TransferService.Listener {
    private final ClientExplorerView view;
    private final TransferService service;
    private final Set<TransferTask> waiting = ConcurrentHashMap.newKeySet();
    private final List<TransferTask> tasks;
    private final String done;
    private final String doing;
    private final AtomicBoolean reported = new AtomicBoolean();

    private BatchOutcome(ClientExplorerView view, TransferService service, List<TransferTask> tasks, String done,
            String doing) {
        this.view = view;
        this.service = service;
        this.tasks = List.copyOf(tasks);
        this.done = done;
        this.doing = doing;
        waiting.addAll(tasks);
    }

    /**
     * Reports on the status line when {@code tasks} have all ended.
     *
     * @param done  what success says, e.g. "Downloaded 3 files to /tmp/x"
     * @param doing the work in words for a failure, e.g. "downloading"
     */
    static void watch(ClientExplorerView view, TransferService service, List<TransferTask> tasks, String done,
            String doing) {
        if (tasks.isEmpty()) {
            return;
        }
        BatchOutcome outcome = new BatchOutcome(view, service, tasks, done, doing);
        service.addListener(outcome);
        tasks.forEach(outcome::taskChanged); // some may have ended already
    }

    @Override
    public void taskChanged(TransferTask task) {
        if (task.status().state().isFinal()) {
            ended(task);
        }
    }

    /** A task removed from the list while it ran is cancelled: it counts as ended too. */
    @Override
    public void taskRemoved(TransferTask task) {
        ended(task);
    }

    private void ended(TransferTask task) {
        if (waiting.remove(task) && waiting.isEmpty() && reported.compareAndSet(false, true)) {
            service.removeListener(this);
            report();
        }
    }

    private void report() {
        List<TransferTask> failed = tasks.stream().filter(t -> t.status().state() == State.FAILED).toList();
        long cancelled = tasks.stream().filter(t -> t.status().state() == State.CANCELLED).count();
        String text;
        if (failed.isEmpty() && cancelled == 0) {
            text = done + ".";
        } else if (failed.isEmpty()) {
            text = done + ", " + cancelled + " cancelled.";
        } else {
            TransferTask first = failed.get(0);
            text = (failed.size() == 1 ? "" : failed.size() + " of " + tasks.size() + " failed. ") + "Failed "
                    + doing + " \"" + first.key() + "\": " + first.status().message()
                    + " (the Transfers view has Retry; double-click a row for its details)";
        }
        boolean error = !failed.isEmpty();
        UiThread.async(view.control(), () -> view.status(text, error));
    }
}
