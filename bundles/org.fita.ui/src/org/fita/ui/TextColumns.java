package org.fita.ui;

import java.util.function.Function;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;

/** Table columns whose cells are a text computed from the row's element. */
public final class TextColumns {
    /** Texts longer than this get a tooltip with the whole text (where tooltips are enabled for the viewer). */
    private static final int LONG_TEXT = 24;

    private TextColumns() {
    }

    /** Adds a column titled {@code title} whose cells show {@code text} of each element (all of type {@code type}). */
    public static <T> TableViewerColumn add(TableViewer viewer, String title, int width, Class<T> type,
            Function<T, String> text) {
        TableViewerColumn column = new TableViewerColumn(viewer, SWT.NONE);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply(type.cast(element));
            }

            /** Long texts (a failure's whole reason) are cut by the column: the tooltip shows them whole. */
            @Override
            public String getToolTipText(Object element) {
                String shown = text.apply(type.cast(element));
                return shown != null && shown.length() > LONG_TEXT ? shown : null;
            }
        });
        return column;
    }
}
