package org.fita.ui.explorer;

import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.handlers.HandlerUtil;

/** The explorer's command handlers (declared in plugin.xml): each asks the active explorer view. */
public final class ExplorerHandlers {
    private ExplorerHandlers() {
    }

    /** A handler that acts on the active Client Explorer view. */
    private abstract static class OnExplorer extends AbstractHandler {
        @Override
        public final Object execute(ExecutionEvent event) {
            IWorkbenchPart part = HandlerUtil.getActivePart(event);
            if (part instanceof ClientExplorerView view) {
                run(view);
            }
            return null;
        }

        abstract void run(ClientExplorerView view);
    }

    public static final class Upload extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            FileDialog dialog = new FileDialog(view.shell(), SWT.OPEN | SWT.MULTI);
            dialog.setText(view.folder().isEmpty() ? "Upload files" : "Upload files to " + view.folder());
            if (dialog.open() == null) {
                return;
            }
            Path folder = Path.of(dialog.getFilterPath());
            view.upload(Arrays.stream(dialog.getFileNames()).map(folder::resolve).toList());
        }
    }

    public static final class Download extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            if (view.selectedFiles().isEmpty()) {
                return;
            }
            int files = view.selectedFiles().size();
            Path folder = DownloadFolderDialog.ask(view.shell(), files == 1 ? "1 file" : files + " files");
            if (folder != null) {
                view.download(view.selectedFiles(), folder);
            }
        }
    }

    public static final class Delete extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            view.delete(view.selectedRows());
        }
    }

    public static final class Up extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            view.up();
        }
    }

    public static final class Refresh extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            view.refresh();
        }
    }

    public static final class CopyKey extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            view.copyKeys();
        }
    }

    public static final class CopyMd5 extends OnExplorer {
        @Override
        void run(ClientExplorerView view) {
            view.copyMd5s();
        }
    }
}
