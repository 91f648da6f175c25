package org.fita.ui;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;

/**
 * Keeps a table's columns inside its width: one flexible column (a name, a reason) takes the
 * room the others leave, down to a minimum, so that at 1024x768 no column starts off screen and
 * on a wide window no space is left unused. The person may still drag any column wider.
 */
public final class ColumnFit {
    private ColumnFit() {
    }

    public static void fit(Table table, TableColumn flexible, int minimum) {
        table.addListener(SWT.Resize, e -> {
            int available = table.getClientArea().width;
            if (available <= 0) {
                return;
            }
            int others = 0;
            for (TableColumn c : table.getColumns()) {
                if (c != flexible) {
                    others += c.getWidth();
                }
            }
            flexible.setWidth(Math.max(minimum, available - others));
        });
    }
}
