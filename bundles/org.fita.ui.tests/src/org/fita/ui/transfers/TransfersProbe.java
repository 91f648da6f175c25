package org.fita.ui.transfers;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.TableItem;
import org.fita.transfer.TransferTask;

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
}
