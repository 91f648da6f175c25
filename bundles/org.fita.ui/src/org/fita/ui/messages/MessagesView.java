package org.fita.ui.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.IStructuredContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.fita.protocol.Untrusted;
import org.fita.ui.ColumnFit;
import org.fita.ui.Formats;
import org.fita.ui.TextColumns;
import org.fita.ui.UiBatcher;
import org.fita.ui.messages.ClientLog.Message;

/** The client's message log: time, server, kind and the whole text of each message; newest last. */
public final class MessagesView extends ViewPart {
    private static final int REFRESH_MILLIS = 200;

    TableViewer viewer;
    private final List<Message> shown = new ArrayList<>();
    private java.util.function.Consumer<Message> listener;
    IAction copyAction;
    IAction clearAction;

    @Override
    public void createPartControl(Composite parent) {
        viewer = new TableViewer(parent, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setContentProvider((IStructuredContentProvider) input -> shown.toArray());
        TextColumns.add(viewer, "Time", 90, Message.class, m -> Formats.time(m.at()));
        TextColumns.add(viewer, "Server", 150, Message.class, m -> Untrusted.visible(m.server()));
        TextColumns.add(viewer, "Kind", 80, Message.class, m -> kindText(m.kind()));
        TableViewerColumn text = TextColumns.add(viewer, "Message", 500, Message.class, m -> Untrusted.visible(m.text()));
        ColumnFit.fit(viewer.getTable(), text.getColumn(), 200);
        ColumnViewerToolTipSupport.enableFor(viewer);
        shown.addAll(ClientLog.messages());
        viewer.setInput(shown);
        UiBatcher<Message> batcher = new UiBatcher<>(viewer.getControl(), REFRESH_MILLIS, batch -> {
            shown.addAll(batch);
            int excess = shown.size() - ClientLog.KEPT;
            if (excess > 0) {
                shown.subList(0, excess).clear();
            }
            viewer.refresh();
            if (!shown.isEmpty()) {
                viewer.reveal(shown.get(shown.size() - 1));
            }
        });
        listener = batcher::offer;
        ClientLog.addListener(listener);
        createActions();
    }

    static String kindText(ClientLog.Kind kind) {
        return switch (kind) {
            case STATUS -> "Status";
            case COMMAND -> "Command";
            case RESPONSE -> "Response";
            case ERROR -> "Error";
        };
    }

    private void createActions() {
        copyAction = new Action("Copy") {
            @Override
            public void run() {
                List<?> selected = viewer.getStructuredSelection().toList();
                String lines = selected.stream().map(Message.class::cast).map(m -> Formats.time(m.at()) + "  "
                        + kindText(m.kind()) + "  " + m.server() + "  " + Untrusted.visible(m.text()))
                        .collect(Collectors.joining(System.lineSeparator()));
                if (lines.isEmpty()) {
                    return;
                }
                Clipboard clipboard = new Clipboard(viewer.getControl().getDisplay());
                try {
                    clipboard.setContents(new Object[] {lines}, new Transfer[] {TextTransfer.getInstance()});
                } finally {
                    clipboard.dispose();
                }
            }
        };
        copyAction.setToolTipText("Copy the selected messages");
        clearAction = new Action("Clear") {
            @Override
            public void run() {
                shown.clear();
                viewer.refresh();
            }
        };
        clearAction.setToolTipText("Clear the messages shown (the log keeps them)");
        MenuManager menu = new MenuManager();
        menu.add(copyAction);
        menu.add(clearAction);
        viewer.getControl().setMenu(menu.createContextMenu(viewer.getControl()));
        getViewSite().getActionBars().getMenuManager().add(clearAction);
    }

    /** The texts of the messages shown, for tests. */
    List<String> texts() {
        return shown.stream().map(Message::text).toList();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        if (listener != null) {
            ClientLog.removeListener(listener);
        }
        super.dispose();
    }
}
