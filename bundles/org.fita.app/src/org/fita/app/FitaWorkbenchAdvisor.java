package org.fita.app;

import org.eclipse.core.runtime.Platform;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.fita.server.runner.ServerRunner;
import org.fita.transfer.tasks.TransferService;
import org.fita.ui.Startup;
import org.fita.ui.StartupArguments;
import org.fita.ui.messages.ClientLog;
import org.fita.ui.transfers.ExitConfirmation;
import org.fita.ui.transfers.TransferRestorer;
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

    /** Continues the transfers the last run left unfinished; carries out -startServer, -connect and -upload. */
    @Override
    public void postStartup() {
        TransferService transfers = PlatformUI.getWorkbench().getService(TransferService.class);
        ClientLog.follow(transfers);
        TransferRestorer.start(transfers);
        StartupArguments arguments;
        try {
            arguments = StartupArguments.parse(Platform.getApplicationArgs());
        } catch (IllegalArgumentException e) {
            Platform.getLog(FitaWorkbenchAdvisor.class).error("Ignoring the FiTA arguments: " + e.getMessage());
            return;
        }
        if (arguments.isEmpty()) {
            return;
        }
        IWorkbenchWindow window = getWorkbenchConfigurer().getWorkbench().getActiveWorkbenchWindow();
        try {
            Startup.perform(window.getActivePage(), arguments);
        } catch (PartInitException e) {
            Platform.getLog(FitaWorkbenchAdvisor.class).error("The FiTA startup steps failed: " + e.getMessage(), e);
        }
    }

    /**
     * Asks first while transfers run (Cancel keeps the workbench open). Then saves the Transfers list with unfinished transfers still unfinished, before the job manager
     * cancels their jobs at shutdown (which would record them as cancelled).
     */
    @Override
    public boolean preShutdown() {
        TransferService transfers = PlatformUI.getWorkbench().getService(TransferService.class);
        if (transfers == null) {
            return true;
        }
        IWorkbenchWindow window = getWorkbenchConfigurer().getWorkbench().getActiveWorkbenchWindow();
        if (window != null && !ExitConfirmation.confirm(window.getShell(), transfers)) {
            return false;
        }
        transfers.stop();
        return true;
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
