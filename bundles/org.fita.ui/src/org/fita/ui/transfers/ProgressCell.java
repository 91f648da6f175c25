package org.fita.ui.transfers;

import org.eclipse.jface.viewers.OwnerDrawLabelProvider;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.TableItem;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;

/**
 * Paints a transfer's progress as a bar with its percentage: custom drawing keeps thousands of
 * rows cheap, where a ProgressBar widget per row would not.
 */
final class ProgressCell extends OwnerDrawLabelProvider {

    @Override
    protected void measure(Event event, Object element) {
        event.height = Math.max(event.height, event.gc.getFontMetrics().getHeight() + 4);
    }

    @Override
    protected void erase(Event event, Object element) {
        // The bar covers the cell; leave the selection background to the table.
        event.detail &= ~SWT.FOREGROUND;
    }

    @Override
    protected void paint(Event event, Object element) {
        TransferTask.Status status = ((TransferTask) element).status();
        Rectangle cell = ((TableItem) event.item).getBounds(event.index);
        Rectangle bar = new Rectangle(cell.x + 2, cell.y + 2, Math.max(0, cell.width - 4), Math.max(0, cell.height - 4));
        GC gc = event.gc;
        Display display = event.display;
        int percent = percent(status);
        gc.setBackground(display.getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW));
        gc.fillRectangle(bar);
        gc.setBackground(display.getSystemColor(color(status.state())));
        gc.fillRectangle(bar.x, bar.y, bar.width * percent / 100, bar.height);
        gc.setForeground(display.getSystemColor(SWT.COLOR_WIDGET_NORMAL_SHADOW));
        gc.drawRectangle(bar.x, bar.y, Math.max(0, bar.width - 1), Math.max(0, bar.height - 1));
        String text = percent + "%";
        Point extent = gc.textExtent(text);
        gc.setForeground(display.getSystemColor(SWT.COLOR_BLACK));
        gc.drawText(text, bar.x + (bar.width - extent.x) / 2, bar.y + (bar.height - extent.y) / 2, true);
    }

    static int percent(TransferTask.Status status) {
        if (status.state() == State.VERIFIED) {
            return 100;
        }
        return status.size() > 0 ? (int) Math.min(100, status.bytesDone() * 100 / status.size()) : 0;
    }

    private static int color(State state) {
        return switch (state) {
            case VERIFIED -> SWT.COLOR_GREEN;
            case FAILED -> SWT.COLOR_RED;
            case PAUSED, CANCELLED -> SWT.COLOR_GRAY;
            default -> SWT.COLOR_CYAN;
        };
    }
}
