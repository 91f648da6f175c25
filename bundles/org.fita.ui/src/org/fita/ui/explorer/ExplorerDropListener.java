package org.fita.ui.explorer;

import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DropTargetAdapter;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.dnd.FileTransfer;

/** Files and folders dropped on the explorer's table are uploaded (folders recursively) into the folder shown. */
final class ExplorerDropListener extends DropTargetAdapter {
    private final ClientExplorerView view;

    ExplorerDropListener(ClientExplorerView view) {
        this.view = view;
    }

    @Override
    public void dragEnter(DropTargetEvent event) {
        chooseOperation(event);
        view.showDropTarget(event.detail != DND.DROP_NONE);
    }

    @Override
    public void dragOver(DropTargetEvent event) {
        // The drop goes into the folder shown, not onto a row: no row is highlighted, the whole table is.
        event.feedback = DND.FEEDBACK_SCROLL;
    }

    @Override
    public void dragLeave(DropTargetEvent event) {
        view.showDropTarget(false);
    }

    @Override
    public void dragOperationChanged(DropTargetEvent event) {
        chooseOperation(event);
    }

    private void chooseOperation(DropTargetEvent event) {
        // Rows dragged out of this table would come straight back as uploads of their temporary copies.
        if (!view.isConnected() || view.isDraggingOut()) {
            event.detail = DND.DROP_NONE;
        } else if ((event.operations & DND.DROP_COPY) != 0) {
            event.detail = DND.DROP_COPY;
        }
    }

    @Override
    public void drop(DropTargetEvent event) {
        view.showDropTarget(false);
        if (!FileTransfer.getInstance().isSupportedType(event.currentDataType) || !(event.data instanceof String[] paths)
                || paths.length == 0) {
            return;
        }
        if (!view.isConnected()) {
            view.status("Connect to a server first, then drop files to upload them.", true);
            return;
        }
        view.upload(Arrays.stream(paths).map(Path::of).toList());
    }
}
