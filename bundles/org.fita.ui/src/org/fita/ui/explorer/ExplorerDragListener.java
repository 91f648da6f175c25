package org.fita.ui.explorer;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jface.dialogs.ProgressMonitorDialog;
import org.eclipse.jface.operation.IRunnableWithProgress;
import org.eclipse.swt.dnd.DragSourceAdapter;
import org.eclipse.swt.dnd.DragSourceEvent;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.widgets.Shell;
import org.fita.transfer.StepException;
import org.fita.transfer.tasks.LocalTree;
import org.fita.transfer.tasks.TransferTask;
import org.fita.transfer.view.RemoteEntry;
import org.fita.transfer.view.RemoteFolders;
import org.fita.ui.transfers.TransferJob;

/**
 * Rows dragged to the desktop or a file manager are downloaded into a temporary folder, and the
 * paths of the finished files are handed over; a folder row is handed over as the local folder
 * holding the files under it. Limitations: the drop target receives paths, not a
 * stream, so the downloads start when the drag starts and the drop waits, in a progress dialog that
 * keeps the window responsive and can be cancelled, until they are verified, at most
 * {@value #WAIT_MINUTES} minutes; files still missing then are left out. The temporary folders are removed when the view closes. For large files,
 * Download (to a chosen folder) is the better way.
 */
final class ExplorerDragListener extends DragSourceAdapter {
    static final int WAIT_MINUTES = 5;

    private final ClientExplorerView view;
    private final List<Path> tempFolders = new ArrayList<>();
    private List<TransferJob> downloads = List.of();
    /** Where each dragged row lands in the temporary folder: a file, or the folder of a folder row. */
    private List<Path> rowPaths = List.of();

    ExplorerDragListener(ClientExplorerView view) {
        this.view = view;
    }

    @Override
    public void dragStart(DragSourceEvent event) {
        List<RemoteEntry> selected = view.selectedRows();
        if (selected.isEmpty() || !view.isConnected()) {
            event.doit = false;
            return;
        }
        try {
            Path folder = Files.createTempDirectory("fita-drag-");
            tempFolders.add(folder);
            List<Path> paths = new ArrayList<>();
            for (RemoteEntry row : selected) {
                String key = row.key();
                paths.add(LocalTree.target(folder, key.endsWith("/") ? key.substring(0, key.length() - 1) : key));
            }
            rowPaths = paths;
            downloads = view.downloadForDrag(RemoteFolders.filesOf(selected), folder);
            event.doit = !downloads.isEmpty();
        } catch (IOException e) {
            view.status("Cannot make a temporary folder for the dragged files: " + e.getMessage(), true);
            event.doit = false;
        } catch (StepException e) {
            view.status(e.getMessage(), true);
            event.doit = false;
        }
    }

    @Override
    public void dragSetData(DragSourceEvent event) {
        if (!FileTransfer.getInstance().isSupportedType(event.dataType)) {
            return;
        }
        List<Path> verified = waitForDownloads(event.display.getActiveShell());
        List<String> paths = new ArrayList<>();
        for (Path row : rowPaths) {
            // A folder goes over once one of its files arrived; a file once it is itself verified.
            if (verified.stream().anyMatch(file -> file.startsWith(row))) {
                paths.add(row.toString());
            }
        }
        event.data = paths.toArray(String[]::new);
        event.doit = !paths.isEmpty();
    }

    /**
     * Waits for the downloads in a progress dialog, which keeps the window painting and answering
     * (the wait runs on another thread while the dialog turns the event loop) and lets the person
     * cancel; returns the files verified by then.
     */
    private List<Path> waitForDownloads(Shell shell) {
        List<Path> verified = new ArrayList<>();
        List<TransferJob> jobs = downloads;
        IRunnableWithProgress wait = monitor -> {
            monitor.beginTask("Downloading " + jobs.size() + (jobs.size() == 1 ? " file" : " files")
                    + " for the drop", jobs.size());
            long deadline = System.currentTimeMillis() + WAIT_MINUTES * 60_000L;
            for (TransferJob job : jobs) {
                monitor.subTask(job.task().key());
                // Joined in short steps so that Cancel in the dialog is noticed.
                while (!monitor.isCanceled() && System.currentTimeMillis() < deadline
                        && !job.task().status().state().isFinal()) {
                    job.join(200, monitor);
                }
                if (job.task().status().state() == TransferTask.State.VERIFIED) {
                    synchronized (verified) {
                        verified.add(job.task().localPath());
                    }
                }
                monitor.worked(1);
            }
            monitor.done();
        };
        try {
            new ProgressMonitorDialog(shell).run(true, true, wait);
        } catch (InvocationTargetException e) {
            view.status("Waiting for the dragged files failed: " + e.getCause(), true);
        } catch (InterruptedException e) {
            // Cancelled: hand over what is verified already.
        }
        synchronized (verified) {
            return new ArrayList<>(verified);
        }
    }

    @Override
    public void dragFinished(DragSourceEvent event) {
        downloads = List.of();
        rowPaths = List.of();
        view.dragEnded();
    }

    /** Removes the temporary folders of earlier drags. */
    void dispose() {
        for (Path folder : tempFolders) {
            try (var all = Files.walk(folder)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // Temporary files: the system cleans them up eventually.
            }
        }
        tempFolders.clear();
    }
}
