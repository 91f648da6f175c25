package org.fita.ui.transfers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.resource.LocalResourceManager;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.IStructuredContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.fita.protocol.Untrusted;
import org.fita.transfer.StepException;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.ColumnFit;
import org.fita.ui.Formats;
import org.fita.ui.Images;
import org.fita.ui.Services;
import org.fita.ui.TextColumns;
import org.fita.ui.UiBatcher;
import org.fita.ui.UiThread;

/**
 * One row per transfer of this workbench: progress, bytes, speed, ETA, state; pause, resume, cancel,
 * retry, remove, and remove from the server what a failed upload left there. A long reason shows
 * whole in the Details cell's tooltip and, on double-click, in a dialog it can be copied from.
 */
public final class TransfersView extends ViewPart {
    private static final int REFRESH_MILLIS = 100;

    private TransferService service;
    private TransferService.Listener listener;
    private UiBatcher<Change> changes;
    private LocalResourceManager resources;
    /** Each selection action, in toolbar order, with the transfers it applies to. */
    private final Map<IAction, Predicate<TransferTask>> actions = new LinkedHashMap<>();

    TableViewer viewer;
    IAction pauseAction;
    IAction resumeAction;
    IAction cancelAction;
    IAction retryAction;
    IAction removeAction;
    IAction removeOnServerAction;

    private record Change(TransferTask task, boolean structural) {
    }

    @Override
    public void createPartControl(Composite parent) {
        service = Services.get(getSite(), TransferService.class);
        resources = new LocalResourceManager(JFaceResources.getResources(), parent);
        viewer = new TableViewer(parent, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setContentProvider((IStructuredContentProvider) input -> inDisplayOrder(((TransferService) input).tasks()));
        Image up = resources.create(Images.descriptor("upload.png"));
        Image down = resources.create(Images.descriptor("download.png"));
        TableViewerColumn name = new TableViewerColumn(viewer, SWT.NONE);
        name.getColumn().setText("Name");
        name.getColumn().setWidth(190);
        name.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return Untrusted.visible(((TransferTask) element).key());
            }

            @Override
            public Image getImage(Object element) {
                return ((TransferTask) element).direction() == TransferInfo.Direction.UPLOAD ? up : down;
            }

            @Override
            public String getToolTipText(Object element) {
                TransferTask t = (TransferTask) element;
                return (t.direction() == TransferInfo.Direction.UPLOAD ? t.localPath() + " to " : "To " + t.localPath()
                        + " from ") + t.username() + "@" + t.server();
            }
        });
        TableViewerColumn progress = new TableViewerColumn(viewer, SWT.NONE);
        progress.getColumn().setText("Progress");
        progress.getColumn().setWidth(120);
        progress.setLabelProvider(new ProgressCell());
        TextColumns.add(viewer, "Transferred", 170, TransferTask.class, t -> Formats.bytes(t.status().bytesDone())
                + (t.status().size() >= 0 ? " of " + Formats.bytes(t.status().size()) : ""));
        TextColumns.add(viewer, "Speed", 80, TransferTask.class, t -> Formats.speed(t.status().bytesPerSecond()));
        TextColumns.add(viewer, "ETA", 70, TransferTask.class, t -> t.status().state() == State.RUNNING ? Formats.eta(t.status().etaSeconds()) : "");
        TextColumns.add(viewer, "State", 75, TransferTask.class, t -> stateText(t.status().state()));
        TableViewerColumn details = TextColumns.add(viewer, "Details", 300, TransferTask.class,
                t -> Untrusted.visible(details(t)));
        ColumnFit.fit(viewer.getTable(), details.getColumn(), 200);
        ColumnViewerToolTipSupport.enableFor(viewer);
        viewer.setInput(service);

        changes = new UiBatcher<>(viewer.getControl(), REFRESH_MILLIS, this::apply);
        listener = new TransferService.Listener() {
            @Override
            public void taskAdded(TransferTask task) {
                changes.offer(new Change(task, true));
            }

            @Override
            public void taskChanged(TransferTask task) {
                changes.offer(new Change(task, false));
            }

            @Override
            public void taskRemoved(TransferTask task) {
                changes.offer(new Change(task, true));
            }
        };
        service.addListener(listener);
        createActions();
        viewer.addSelectionChangedListener(e -> updateActions());
        viewer.addDoubleClickListener(e -> selected().stream().findFirst().ifPresent(this::showDetails));
        updateActions();
    }

    /** Unfinished transfers first, then the finished ones; newest first within each. */
    static Object[] inDisplayOrder(List<TransferTask> tasks) {
        List<TransferTask> ordered = new ArrayList<>(tasks);
        Collections.reverse(ordered);
        ordered.sort(Comparator.comparing(t -> t.status().state().isFinal()));
        return ordered.toArray();
    }

    static String stateText(State state) {
        return switch (state) {
            case QUEUED -> "Queued";
            case RUNNING -> "Running";
            case PAUSED -> "Paused";
            case VERIFIED -> "Verified";
            case FAILED -> "Failed";
            case CANCELLED -> "Cancelled";
        };
    }

    private void apply(List<Change> batch) {
        // A transfer that finished moves down among the finished ones.
        if (batch.stream().anyMatch(c -> c.structural() || c.task().status().state().isFinal())) {
            viewer.refresh();
        } else {
            Set<TransferTask> changed = new LinkedHashSet<>();
            batch.forEach(c -> changed.add(c.task()));
            viewer.update(changed.toArray(), null);
        }
        updateActions();
    }

    private void createActions() {
        pauseAction = action("Pause", "pause.png", t -> t.status().state() == State.RUNNING, TransferTask::pause);
        resumeAction = action("Resume", "start.png", t -> t.status().state() == State.PAUSED, TransferJob::resume);
        cancelAction = action("Cancel", "cancel.png", t -> !t.status().state().isFinal(), TransferTask::cancel);
        retryAction = action("Retry", "refresh.png", TransferTask::canRetry, t -> {
            t.requeue();
            TransferJob.schedule(t);
        });
        removeAction = action("Remove", "remove.png", t -> true, service::remove);
        removeOnServerAction = action("Remove from Server", "delete.png", TransfersView::leftPartOnServer,
                this::removeOnServer);
        removeOnServerAction.setToolTipText("Remove from the server what the selected failed or cancelled uploads left there");
        IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
        MenuManager menu = new MenuManager();
        for (IAction a : actions.keySet()) {
            toolbar.add(a);
            menu.add(a);
        }
        Action clear = new Action("Remove Finished") {
            @Override
            public void run() {
                service.tasks().stream().filter(t -> t.status().state() == State.VERIFIED).forEach(service::remove);
            }
        };
        clear.setToolTipText("Remove every verified transfer from the list");
        getViewSite().getActionBars().getMenuManager().add(clear);
        viewer.getControl().setMenu(menu.createContextMenu(viewer.getControl()));
    }

    /** The task's message with what the person can do about it here (the engine's words name no buttons). */
    static String details(TransferTask t) {
        String message = t.status().message();
        State state = t.status().state();
        if (state == State.PAUSED && t.wasPausedWhenStopped()) {
            return message + " Press Resume to continue it.";
        }
        if (state == State.FAILED && t.wasInterrupted() && t.canRetry()) {
            return message + " Press Retry to try now.";
        }
        return message;
    }

    /** A failed or cancelled upload may have left blocks on the server. */
    static boolean leftPartOnServer(TransferTask t) {
        State state = t.status().state();
        return t.direction() == TransferInfo.Direction.UPLOAD && (state == State.FAILED || state == State.CANCELLED);
    }

    private void removeOnServer(TransferTask task) {
        Job.create("Removing the partial upload of " + task.key(), (IProgressMonitor monitor) -> {
            String notice;
            try {
                notice = switch (task.discardPartialUpload()) {
                    case REMOVED -> "What the upload of \"" + task.key() + "\" left on " + task.server() + " is removed.";
                    case FINISHED_FILE_KEPT -> "\"" + task.key() + "\" on " + task.server() + " is a finished file (an "
                            + "earlier version, or another upload's): it was left alone.";
                };
            } catch (StepException e) {
                notice = "Could not remove the partial upload of \"" + task.key() + "\": " + e.getMessage();
            }
            String shown = notice;
            UiThread.async(viewer.getControl(), () -> notice(shown));
            return Status.OK_STATUS;
        }).schedule();
    }

    /** A line above the table about the last action's outcome. */
    void notice(String text) {
        setContentDescription(text);
    }

    /** The whole of a transfer, its failure's reason included, in a dialog whose text can be selected and copied. */
    void showDetails(TransferTask t) {
        TransferTask.Status status = t.status();
        String where = t.direction() == TransferInfo.Direction.UPLOAD ? t.localPath() + " to " + t.username() + "@"
                + t.server() + " as \"" + t.key() + "\"" : "\"" + t.key() + "\" from " + t.username() + "@" + t.server()
                + " to " + t.localPath();
        String text = Untrusted.visible((t.direction() == TransferInfo.Direction.UPLOAD ? "Upload of " : "Download of ")
                + where) + "\nState: " + stateText(status.state()) + ", " + Formats.bytes(status.bytesDone())
                + (status.size() >= 0 ? " of " + Formats.bytes(status.size()) : "") + "\n\n"
                + Untrusted.visible(details(t));
        new DetailsDialog(viewer.getControl().getShell(), text).open();
    }

    private IAction action(String text, String icon, Predicate<TransferTask> applies, Consumer<TransferTask> run) {
        Action action = new Action(text, Images.descriptor(icon)) {
            @Override
            public void run() {
                selected().stream().filter(applies).forEach(run);
                updateActions();
            }
        };
        action.setToolTipText(text + " the selected transfers");
        actions.put(action, applies);
        return action;
    }

    private void updateActions() {
        List<TransferTask> selected = selected();
        actions.forEach((action, applies) -> action.setEnabled(selected.stream().anyMatch(applies)));
    }

    List<TransferTask> selected() {
        return viewer.getStructuredSelection().toList().stream().map(TransferTask.class::cast).toList();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        if (service != null && listener != null) {
            service.removeListener(listener);
        }
        super.dispose();
    }
}
