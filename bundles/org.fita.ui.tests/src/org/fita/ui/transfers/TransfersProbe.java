package org.fita.ui.transfers;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TableItem;
import org.fita.transfer.tasks.TransferTask;

/** The Transfers view's rows and actions, for the tests in other packages. */
public record TransfersProbe(TransfersView view) {
    public static final int NAME = 0;
    public static final int STATE = 5;

    /** Each row's cell texts: name, progress (painted, so empty), transferred, speed, ETA, state, details. */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (TableItem item : view.viewer.getTable().getItems()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < view.viewer.getTable().getColumnCount(); i++) {
                cells.add(item.getText(i));
            }
            rows.add(cells);
        }
        return rows;
    }

    /** The state shown in the row of {@code task}, or null if it has no row. */
    public String stateOf(TransferTask task) {
        for (TableItem item : view.viewer.getTable().getItems()) {
            if (item.getData() == task) {
                return item.getText(STATE);
            }
        }
        return null;
    }

    public void select(TransferTask task) {
        view.viewer.setSelection(new StructuredSelection(task), true);
    }

    public IAction pause() {
        return view.pauseAction;
    }

    public IAction resume() {
        return view.resumeAction;
    }

    public IAction cancel() {
        return view.cancelAction;
    }

    public IAction retry() {
        return view.retryAction;
    }

    public IAction remove() {
        return view.removeAction;
    }

    public IAction removeOnServer() {
        return view.removeOnServerAction;
    }

    /** The line above the table that reports the last action's outcome. */
    public String notice() {
        return view.getContentDescription();
    }

    /** The tooltip the Details cell of {@code task} shows. */
    public String detailsToolTip(TransferTask task) {
        int details = view.viewer.getTable().getColumnCount() - 1;
        return ((ColumnLabelProvider) view.viewer.getLabelProvider(details)).getToolTipText(task);
    }

    /** Opens the details dialog of {@code task} as a double-click does; returns its text, then closes it. */
    public String details(TransferTask task) {
        String[] seen = new String[1];
        Display display = view.viewer.getControl().getDisplay();
        Runnable[] poll = new Runnable[1];
        long deadline = System.currentTimeMillis() + 30_000;
        poll[0] = () -> {
            for (Shell shell : display.getShells()) {
                if (DetailsDialog.TITLE.equals(shell.getText()) && shell.isVisible()
                        && shell.getData() instanceof DetailsDialog dialog) {
                    seen[0] = dialog.body.getText();
                    dialog.close();
                    return;
                }
            }
            if (System.currentTimeMillis() < deadline) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
        view.showDetails(task);
        return seen[0];
    }

    /** What the Details cell of {@code task} says. */
    public static String detailsCell(TransferTask task) {
        return TransfersView.details(task);
    }
}
