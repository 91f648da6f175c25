package org.fita.ui.explorer;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.swt.dnd.DragSourceListener;
import org.eclipse.swt.dnd.DropTargetListener;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.fita.transfer.RemoteFile;

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

    public List<RemoteFile> shown() {
        return view.table.shown();
    }

    public void setFiles(List<RemoteFile> files) {
        view.table.setFiles(files);
    }

    /** Selects the row of {@code key} as a click would, so that the selection service hears of it. */
    public void select(String key) {
        table().setSelection(shownKeys().indexOf(key));
        table().notifyListeners(SWT.Selection, new Event());
    }

    public List<String> selectedKeys() {
        return view.selectedFiles().stream().map(RemoteFile::key).toList();
    }

    public void download(List<RemoteFile> files, Path folder) {
        view.download(files, folder);
    }

    public void delete(List<RemoteFile> files) {
        view.delete(files);
    }

    public boolean connected() {
        return view.isConnected();
    }
}
