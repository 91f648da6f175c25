package org.fita.ui.explorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.fita.ui.preferences.FitaPreferences;

/**
 * Asks where downloads go: a path field that takes what is typed or pasted, opened on the folder
 * used last, with Browse... for the system's folder chooser (which, on GTK, opens on "Recent" and
 * ignores a typed path unless it is given a folder to start in). A folder that does not exist yet is
 * created.
 */
final class DownloadFolderDialog extends TitleAreaDialog {
    static final String TITLE = "Download to folder";

    private final String what;
    Text pathText;
    private Path chosen;

    DownloadFolderDialog(Shell shell, String what) {
        super(shell);
        this.what = what;
    }

    /** The folder chosen, or null if the person cancelled. */
    static Path ask(Shell shell, String what) {
        DownloadFolderDialog dialog = new DownloadFolderDialog(shell, what);
        return dialog.open() == OK ? dialog.chosen : null;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(TITLE);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle("Download " + what);
        setMessage("Keys with '/' become subfolders of this folder; a folder row brings every file under it.");
        Composite row = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(row);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(row);
        new Label(row, SWT.NONE).setText("Folder:");
        pathText = new Text(row, SWT.BORDER);
        pathText.setText(FitaPreferences.lastDownloadFolder().toString());
        GridDataFactory.fillDefaults().grab(true, false).hint(360, SWT.DEFAULT).applyTo(pathText);
        pathText.addListener(SWT.Modify, e -> setErrorMessage(null));
        Button browse = new Button(row, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> browse());
        return area;
    }

    private void browse() {
        DirectoryDialog chooser = new DirectoryDialog(getShell());
        chooser.setText(TITLE);
        Path start = existingAncestor(pathText.getText().trim());
        if (start != null) {
            chooser.setFilterPath(start.toString());
        }
        String folder = chooser.open();
        if (folder != null) {
            pathText.setText(folder);
        }
    }

    /** The nearest folder that exists at or above {@code typed}, or null. */
    private static Path existingAncestor(String typed) {
        try {
            Path p = Path.of(typed.isEmpty() ? System.getProperty("user.home") : typed).toAbsolutePath();
            while (p != null && !Files.isDirectory(p)) {
                p = p.getParent();
            }
            return p;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    @Override
    protected void buttonPressed(int id) {
        if (id == IDialogConstants.OK_ID) {
            String typed = pathText.getText().trim();
            if (typed.startsWith("~")) {
                typed = System.getProperty("user.home") + typed.substring(1);
            }
            try {
                Path folder = Path.of(typed).toAbsolutePath().normalize();
                if (typed.isEmpty()) {
                    setErrorMessage("Type a folder, or choose one with Browse....");
                    return;
                }
                if (Files.exists(folder) && !Files.isDirectory(folder)) {
                    setErrorMessage(folder + " is a file, not a folder.");
                    return;
                }
                Files.createDirectories(folder);
                chosen = folder;
                FitaPreferences.rememberDownloadFolder(folder);
            } catch (InvalidPathException e) {
                setErrorMessage("\"" + typed + "\" is not a valid path: " + e.getReason() + ".");
                return;
            } catch (IOException e) {
                setErrorMessage("Cannot create " + typed + ": " + e.getMessage());
                return;
            }
        }
        super.buttonPressed(id);
    }
}
