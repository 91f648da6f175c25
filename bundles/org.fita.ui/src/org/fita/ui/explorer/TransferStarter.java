package org.fita.ui.explorer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.fita.protocol.Extensions;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.WhenExists;
import org.fita.transfer.tasks.FreeNames;
import org.fita.transfer.tasks.LocalTree;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask;
import org.fita.transfer.view.RemoteFiles;
import org.fita.ui.UiThread;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.transfers.TransferJob;

/**
 * Turns an upload or download request into transfer tasks, one job each: plans folders, asks
 * about destinations that exist, picks free names for "rename". Network questions run in jobs;
 * the dialogs on the UI thread.
 */
final class TransferStarter {
    static final String DELETE_FIRST_TITLE = "Overwrite by deleting first?";
    private final ClientExplorerView view;
    private final TransferService service;

    TransferStarter(ClientExplorerView view, TransferService service) {
        this.view = view;
        this.service = service;
    }

    /**
     * Uploads files and folders (recursively) to keys named after them under {@code prefix} (the
     * folder shown: "" or ending in '/').
     */
    void upload(StepSession session, List<Path> paths, String prefix) {
        view.status("Preparing to upload " + describe(paths) + (prefix.isEmpty() ? "" : " to " + prefix) + "...", false);
        Job.create("Preparing the upload", (IProgressMonitor monitor) -> {
            List<LocalTree.Entry> entries;
            Set<String> existing;
            try {
                entries = LocalTree.planAll(paths, prefix);
                existing = RemoteFiles.existing(session, entries.stream().map(LocalTree.Entry::key).toList());
            } catch (StepException e) {
                UiThread.async(view.control(), () -> view.status(e.getMessage(), true));
                return Status.OK_STATUS;
            }
            UiThread.async(view.control(), () -> askAndUpload(session, entries, existing));
            return Status.OK_STATUS;
        }).schedule();
    }

    private void askAndUpload(StepSession session, List<LocalTree.Entry> entries, Set<String> existing) {
        List<String> conflicts = new ArrayList<>();
        for (LocalTree.Entry e : entries) {
            if (existing.contains(e.key())) {
                conflicts.add("\"" + e.key() + "\" already exists on " + session.address() + ".");
            }
        }
        List<ConflictChoice> answers = ConflictDialog.resolve(view.shell(), conflicts);
        if (answers == null) {
            view.status("Upload cancelled: nothing was sent.", false);
            return;
        }
        List<ConflictChoice> choices = new ArrayList<>();
        int next = 0;
        for (LocalTree.Entry e : entries) {
            choices.add(existing.contains(e.key()) ? answers.get(next++) : null);
        }
        long overwrites = choices.stream().filter(c -> c == ConflictChoice.OVERWRITE).count();
        boolean deleteFirst = false;
        if (overwrites > 0 && !session.capabilities().has(Extensions.REPLACE)) {
            // A classic server cannot swap in a new version: the old file must go before the upload.
            deleteFirst = MessageDialog.openQuestion(view.shell(), DELETE_FIRST_TITLE, session.address()
                    + " cannot replace a file in one step (it is not a FiTA server with safe replace). Overwriting "
                    + (overwrites == 1 ? "the file" : "these " + overwrites + " files") + " there means deleting "
                    + "the old version first: if the upload then fails or is cancelled, neither version is left."
                    + "\n\nDelete the old version first and upload? (No skips " + (overwrites == 1 ? "it" : "them") + ".)");
            if (!deleteFirst) {
                for (int i = 0; i < choices.size(); i++) {
                    if (choices.get(i) == ConflictChoice.OVERWRITE) {
                        choices.set(i, ConflictChoice.SKIP);
                    }
                }
            }
        }
        boolean deletingFirst = deleteFirst;
        Job.create("Starting uploads", (IProgressMonitor monitor) -> {
            Set<String> taken = new HashSet<>(existing);
            entries.forEach(e -> taken.add(e.key()));
            int started = 0;
            int skipped = 0;
            List<TransferTask> startedTasks = new ArrayList<>();
            try {
                for (int i = 0; i < entries.size(); i++) {
                    LocalTree.Entry entry = entries.get(i);
                    ConflictChoice choice = choices.get(i);
                    if (choice == ConflictChoice.SKIP) {
                        skipped++;
                        continue;
                    }
                    String key = entry.key();
                    if (choice == ConflictChoice.RENAME) {
                        key = freeKey(session, key, taken);
                        taken.add(key);
                    }
                    WhenExists whenExists = choice == null ? WhenExists.FAIL : choice.whenExists();
                    if (whenExists == WhenExists.OVERWRITE && deletingFirst) {
                        whenExists = WhenExists.OVERWRITE_DELETE_FIRST;
                    }
                    TransferTask task = service.upload(session, entry.file(), key, FitaPreferences.transferOptions(),
                            whenExists);
                    TransferJob.schedule(task);
                    startedTasks.add(task);
                    started++;
                }
            } catch (StepException e) {
                String message = e.getMessage();
                UiThread.async(view.control(), () -> view.status(message, true));
                return Status.OK_STATUS;
            }
            String files = started + (started == 1 ? " file" : " files");
            String message = "Uploading " + files + (skipped > 0 ? " (" + skipped + " skipped)" : "")
                    + ": see the Transfers view.";
            UiThread.async(view.control(), () -> view.status(message, false));
            BatchOutcome.watch(view, service, startedTasks, "Uploaded " + files + " to " + session.address()
                    + (skipped > 0 ? " (" + skipped + " skipped)" : ""), "uploading");
            return Status.OK_STATUS;
        }).schedule();
    }

    /** A key that neither the server nor this batch uses; asks the server about each candidate. */
    private static String freeKey(StepSession session, String key, Set<String> taken) throws StepException {
        while (true) {
            String candidate = FreeNames.next(key, taken::contains);
            if (RemoteFiles.existing(session, List.of(candidate)).isEmpty()) {
                return candidate;
            }
            taken.add(candidate);
        }
    }

    /**
     * Downloads {@code files} into {@code folder}, keys' '/' becoming folders; asks about files
     * that exist unless {@code ask} is false (a fresh folder). Returns the jobs started.
     */
    List<TransferJob> download(StepSession session, List<RemoteFile> files, Path folder, boolean ask) {
        List<RemoteFile> wanted = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        List<Boolean> exists = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (RemoteFile f : files) {
            try {
                Path target = LocalTree.target(folder, f.key());
                wanted.add(f);
                targets.add(target);
                exists.add(Files.exists(target));
                if (exists.get(exists.size() - 1)) {
                    conflicts.add(target + " already exists.");
                }
            } catch (StepException e) {
                refused.add(e.getMessage());
            }
        }
        List<ConflictChoice> answers = ask ? ConflictDialog.resolve(view.shell(), conflicts) : List.of();
        if (answers == null) {
            view.status("Download cancelled: nothing was fetched.", false);
            return List.of();
        }
        List<TransferJob> jobs = new ArrayList<>();
        Set<Path> planned = new HashSet<>(targets);
        int next = 0;
        int skipped = 0;
        for (int i = 0; i < wanted.size(); i++) {
            Path target = targets.get(i);
            ConflictChoice choice = exists.get(i) && next < answers.size() ? answers.get(next++) : null;
            if (choice == ConflictChoice.SKIP) {
                skipped++;
                continue;
            }
            if (choice == ConflictChoice.RENAME) {
                Path taken = target;
                String name = FreeNames.next(taken.getFileName().toString(),
                        n -> Files.exists(taken.resolveSibling(n)) || planned.contains(taken.resolveSibling(n)));
                target = taken.resolveSibling(name);
                planned.add(target);
            }
            TransferTask task = service.download(session, wanted.get(i).key(), target, FitaPreferences.transferOptions(),
                    choice == null ? WhenExists.FAIL : choice.whenExists());
            jobs.add(TransferJob.schedule(task));
        }
        String message = "Downloading " + jobs.size() + (jobs.size() == 1 ? " file" : " files") + " to " + folder
                + (skipped > 0 ? " (" + skipped + " skipped)" : "") + ": see the Transfers view."
                + (refused.isEmpty() ? "" : " Not downloaded: " + String.join(" ", refused));
        view.status(message, !refused.isEmpty());
        if (refused.isEmpty()) {
            BatchOutcome.watch(view, service, jobs.stream().map(TransferJob::task).toList(), "Downloaded " + jobs.size()
                    + (jobs.size() == 1 ? " file" : " files") + " to " + folder, "downloading");
        }
        return jobs;
    }

    private static String describe(List<Path> paths) {
        return paths.size() == 1 ? String.valueOf(paths.get(0).getFileName()) : paths.size() + " items";
    }
}
