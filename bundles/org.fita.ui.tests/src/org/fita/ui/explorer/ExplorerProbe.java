package org.fita.ui.explorer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.DragSourceListener;
import org.eclipse.swt.dnd.DropTargetListener;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.ToolBar;
import org.eclipse.swt.widgets.ToolItem;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.view.RemoteEntry;

/** The Client Explorer's widgets and operations, for the tests in other packages. */
public record ExplorerProbe(ClientExplorerView view) {
    public Combo host() {
        return view.hostCombo;
    }

    public Text port() {
        return view.portText;
    }

    public Text user() {
        return view.userText;
    }

    public Text password() {
        return view.passwordText;
    }

    public Button tls() {
        return view.tlsCheck;
    }

    /** The lock before the host: visible only while connected over TLS. */
    public Label lock() {
        return view.lockLabel;
    }

    public Button connect() {
        return view.connectButton;
    }

    public Button localServer() {
        return view.localServerButton;
    }

    public Text filter() {
        return view.filterText;
    }

    public Label count() {
        return view.countLabel;
    }

    public Label status() {
        return view.statusLabel;
    }

    public ToolBar pathBar() {
        return view.pathBar;
    }

    /** The breadcrumb as shown: "/", then one part per folder, such as "photos/", "2024/". */
    public List<String> path() {
        return Arrays.stream(pathBar().getItems()).map(i -> i.getText().replace("&&", "&")).toList();
    }

    /** Clicks the breadcrumb's part {@code text}. */
    public void clickPath(String text) {
        for (ToolItem item : pathBar().getItems()) {
            if (item.getText().replace("&&", "&").equals(text)) {
                item.notifyListeners(SWT.Selection, new Event());
                return;
            }
        }
        throw new AssertionError("No part \"" + text + "\" in the path " + path());
    }

    /** The folder shown: "" at the root, else a prefix such as "photos/2024/". */
    public String folder() {
        return view.folder();
    }

    public Table table() {
        return view.table.viewer.getTable();
    }

    public DropTargetListener dropListener() {
        return view.dropListener;
    }

    public DragSourceListener dragListener() {
        return view.dragListener;
    }

    public List<String> shownKeys() {
        return view.shownKeys();
    }

    /** The rows' names as the Name column shows them. */
    public List<String> shownNames() {
        return view.table.shown().stream().map(RemoteEntry::name).toList();
    }

    public List<RemoteEntry> shown() {
        return view.table.shown();
    }

    /** The row of {@code key} (a folder's prefix for a folder row). */
    public RemoteEntry row(String key) {
        return view.table.shown().stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("No row " + key + " in " + shownKeys()));
    }

    /** The file of the file row {@code key}. */
    public RemoteFile file(String key) {
        return ((RemoteEntry.File) row(key)).file();
    }

    /** The text of the row {@code key} in column {@code column}, as the (lazily filled) table shows it. */
    public String cellText(String key, int column) {
        return table().getItem(shownKeys().indexOf(key)).getText(column);
    }

    public void setFiles(List<RemoteFile> files) {
        view.table.setFiles(files);
    }

    /** Selects the row of {@code key} as a click would, so that the selection service hears of it. */
    public void select(String key) {
        int index = shownKeys().indexOf(key);
        if (index < 0) {
            throw new AssertionError("No row " + key + " in " + shownKeys());
        }
        table().setSelection(index);
        table().notifyListeners(SWT.Selection, new Event());
    }

    /** Selects the row of {@code key} and double-clicks it (or presses Enter): SWT's DefaultSelection. */
    public void open(String key) {
        select(key);
        table().notifyListeners(SWT.DefaultSelection, new Event());
    }

    /** Backspace in the table, as SWT delivers it. */
    public void pressBackspace() {
        Event key = new Event();
        key.keyCode = SWT.BS;
        key.character = SWT.BS;
        table().notifyListeners(SWT.KeyDown, key);
    }

    public List<String> selectedKeys() {
        return view.selectedRows().stream().map(RemoteEntry::key).toList();
    }

    /** What the Download command does once its folder is chosen (the native folder dialog cannot be driven). */
    public void downloadSelection(Path folder) {
        view.download(view.selectedFiles(), folder);
    }

    /** What the Delete command does: asks, then deletes every file of the selected rows. */
    public void deleteSelection() {
        view.delete(view.selectedRows());
    }

    public boolean connected() {
        return view.isConnected();
    }

    /** Whether the table is tinted as a drop target. */
    public boolean showsDropTarget() {
        return table().getBackground().equals(table().getDisplay().getSystemColor(SWT.COLOR_INFO_BACKGROUND));
    }

    /**
     * Runs the Download command's dialog: types {@code folder} into its path field (or, if null,
     * only reads it) and presses OK (Cancel when null). The path the dialog offered first is set in
     * the returned reference once the dialog has been answered.
     */
    public static AtomicReference<String> answerDownloadFolder(Display display, String folder) {
        AtomicReference<String> offered = new AtomicReference<>();
        Runnable[] poll = new Runnable[1];
        long deadline = System.currentTimeMillis() + 30_000;
        poll[0] = () -> {
            for (Shell shell : display.getShells()) {
                if (DownloadFolderDialog.TITLE.equals(shell.getText()) && shell.isVisible()
                        && shell.getData() instanceof DownloadFolderDialog dialog && dialog.pathText != null) {
                    offered.set(dialog.pathText.getText());
                    if (folder == null) {
                        dialog.close();
                    } else {
                        dialog.pathText.setText(folder);
                        dialog.buttonPressed(IDialogConstants.OK_ID);
                    }
                    return;
                }
            }
            if (System.currentTimeMillis() < deadline) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
        return offered;
    }

    /** Downloads {@code files} into {@code folder} as the Download command does once a folder is chosen. */
    public void download(List<RemoteFile> files, Path folder) {
        view.download(files, folder);
    }

    /** The explorer's session now, or null. */
    public org.fita.transfer.StepSession session() {
        return view.session();
    }

    /** The token of the explorer's session now. */
    public String token() {
        return view.session().token();
    }
}
