package org.fita.ui;

import java.net.InetSocketAddress;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.fita.server.ServerListener;
import org.fita.server.runner.ServerRunner;
import org.fita.ui.explorer.ClientExplorerView;
import org.fita.ui.server.LocalServerView;

/** Carries out {@link StartupArguments} through the views, step by step, as a person would. */
public final class Startup {
    private final IWorkbenchPage page;
    private final StartupArguments arguments;

    private Startup(IWorkbenchPage page, StartupArguments arguments) {
        this.page = page;
        this.arguments = arguments;
    }

    /** Starts the steps; each runs when the previous one is done. */
    public static void perform(IWorkbenchPage page, StartupArguments arguments) throws PartInitException {
        new Startup(page, arguments).startServer();
    }

    private void startServer() throws PartInitException {
        if (!arguments.startServer()) {
            connect();
            return;
        }
        LocalServerView view = (LocalServerView) page.showView(ViewIds.LOCAL_SERVER);
        ServerRunner runner = Services.get(page.getWorkbenchWindow(), ServerRunner.class);
        if (runner.status().running()) {
            connect();
            return;
        }
        runner.addListener(new ServerListener() {
            @Override
            public void serverStarted(InetSocketAddress address) {
                runner.removeListener(this);
                UiThread.async(page.getWorkbenchWindow().getShell(), Startup.this::connectQuietly);
            }
        });
        view.start();
    }

    private void connectQuietly() {
        try {
            connect();
        } catch (PartInitException e) {
            throw new IllegalStateException("The Client Explorer cannot open: " + e.getMessage(), e);
        }
    }

    private void connect() throws PartInitException {
        if (arguments.connect().isEmpty() && !arguments.local()) {
            return;
        }
        ClientExplorerView explorer = (ClientExplorerView) page.showView(ViewIds.CLIENT_EXPLORER);
        if (arguments.local()) {
            if (!explorer.useLocalServer()) {
                return; // it says why; connecting to whatever the fields hold would be wrong
            }
        } else {
            explorer.fill(arguments.connect().get());
        }
        explorer.connect(() -> {
            if (!arguments.uploads().isEmpty()) {
                explorer.upload(arguments.uploads());
            }
        });
    }
}
