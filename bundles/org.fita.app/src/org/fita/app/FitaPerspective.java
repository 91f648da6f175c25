package org.fita.app;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.fita.ui.ViewIds;

/** Local Server on the left, Client Explorer on the right, Transfers and Messages below both; no editor area. */
public final class FitaPerspective implements IPerspectiveFactory {
    public static final String ID = "org.fita.app.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editors = layout.getEditorArea();
        layout.setEditorAreaVisible(false);
        IFolderLayout bottom = layout.createFolder("org.fita.app.bottom", IPageLayout.BOTTOM, 0.70f, editors);
        bottom.addView(ViewIds.TRANSFERS);
        bottom.addView(ViewIds.MESSAGES);
        layout.addView(ViewIds.LOCAL_SERVER, IPageLayout.LEFT, 0.40f, editors);
        // With the editor area hidden, the explorer takes all of its space.
        layout.addView(ViewIds.CLIENT_EXPLORER, IPageLayout.RIGHT, 0.05f, editors);
        for (String id : new String[] {ViewIds.LOCAL_SERVER, ViewIds.CLIENT_EXPLORER, ViewIds.TRANSFERS, ViewIds.MESSAGES}) {
            layout.addShowViewShortcut(id);
            layout.getViewLayout(id).setCloseable(true);
        }
    }
}
