package org.fita.ui.explorer;

import java.util.Map;
import org.eclipse.ui.AbstractSourceProvider;
import org.eclipse.ui.ISources;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.services.ISourceProviderService;

/**
 * Publishes whether the Client Explorer holds a session, as the variable
 * {@value #CONNECTED} of the commands' enablement (plugin.xml): Upload, Download, Delete and
 * Refresh are greyed out while nothing is connected.
 */
public final class ExplorerState extends AbstractSourceProvider {
    public static final String CONNECTED = "org.fita.ui.explorerConnected";

    private boolean connected;

    @Override
    public Map<String, Object> getCurrentState() {
        return Map.of(CONNECTED, connected);
    }

    @Override
    public String[] getProvidedSourceNames() {
        return new String[] {CONNECTED};
    }

    void setConnected(boolean now) {
        if (connected != now) {
            connected = now;
            fireSourceChanged(ISources.WORKBENCH, CONNECTED, now);
        }
    }

    /** Tells the window's commands whether the explorer is connected now. */
    static void publish(IWorkbenchWindow window, boolean connected) {
        ISourceProviderService sources = window.getService(ISourceProviderService.class);
        if (sources != null && sources.getSourceProvider(CONNECTED) instanceof ExplorerState state) {
            state.setConnected(connected);
        }
    }

    @Override
    public void dispose() {
        // Holds nothing to release.
    }
}
