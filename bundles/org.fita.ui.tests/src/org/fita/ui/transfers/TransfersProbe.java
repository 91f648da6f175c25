package org.fita.ui.transfers;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.swt.widgets.TableItem;

/** The Transfers view's rows as the table shows them, for the tests in other packages. */
public record TransfersProbe(TransfersView view) {
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

    public static int stateColumn() {
        return 5;
    }
}
