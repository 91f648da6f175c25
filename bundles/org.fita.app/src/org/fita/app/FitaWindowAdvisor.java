package org.fita.app;

import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;

/** The main window: titled FiTA, with a status line that shows messages and job progress. */
final class FitaWindowAdvisor extends WorkbenchWindowAdvisor {

    FitaWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        super(configurer);
    }

    @Override
    public ActionBarAdvisor createActionBarAdvisor(IActionBarConfigurer configurer) {
        return new FitaActionBarAdvisor(configurer);
    }

    @Override
    public void preWindowOpen() {
        IWorkbenchWindowConfigurer configurer = getWindowConfigurer();
        // 1280x800, or the screen's usable area where it is smaller (a 1024x768 screen cut the views off).
        Rectangle screen = Display.getDefault().getPrimaryMonitor().getClientArea();
        configurer.setInitialSize(new Point(Math.min(1280, screen.width), Math.min(800, screen.height)));
        configurer.setTitle("FiTA");
        configurer.setShowCoolBar(false);
        configurer.setShowStatusLine(true);
        configurer.setShowProgressIndicator(true);
        configurer.setShowPerspectiveBar(false);
    }
}
