package org.fita.app;

import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.fita.server.runner.ServerRunner;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/** Opens the FiTA perspective, keeps the layout between runs, and stops the local server on exit. */
final class FitaWorkbenchAdvisor extends WorkbenchAdvisor {

    @Override
    public void initialize(IWorkbenchConfigurer configurer) {
        configurer.setSaveAndRestore(true);
    }

    @Override
    public String getInitialWindowPerspectiveId() {
        return FitaPerspective.ID;
    }

    @Override
    public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        return new FitaWindowAdvisor(configurer);
    }

    /** The local server outlives its view, not the workbench. */
    @Override
    public void postShutdown() {
        BundleContext context = FrameworkUtil.getBundle(FitaWorkbenchAdvisor.class).getBundleContext();
        ServiceReference<ServerRunner> reference = context.getServiceReference(ServerRunner.class);
        if (reference == null) {
            return;
        }
        ServerRunner runner = context.getService(reference);
        try {
            if (runner != null) {
                runner.stop();
            }
        } finally {
            context.ungetService(reference);
        }
    }
}
