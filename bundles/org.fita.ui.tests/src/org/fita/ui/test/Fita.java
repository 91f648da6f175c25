package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.fita.server.runner.ServerRunner;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.ViewIds;
import org.fita.ui.explorer.ClientExplorerView;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.server.LocalServerProbe;
import org.fita.ui.server.LocalServerView;
import org.fita.ui.transfers.TransfersProbe;
import org.fita.ui.transfers.TransfersView;

/** Steps the tests share, taken through the views as a person would. */
final class Fita {
    private Fita() {
    }

    static IWorkbenchPage page() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        assertNotNull(window, "a workbench window is open");
        return window.getActivePage();
    }

    static <T extends IViewPart> T show(String id, Class<T> type) throws PartInitException {
        return type.cast(page().showView(id));
    }

    static ServerRunner runner() {
        return PlatformUI.getWorkbench().getService(ServerRunner.class);
    }

    static TransferService transfers() {
        return PlatformUI.getWorkbench().getService(TransferService.class);
    }

    static LocalServerProbe localServerView() throws PartInitException {
        return new LocalServerProbe(show(ViewIds.LOCAL_SERVER, LocalServerView.class));
    }

    static ExplorerProbe explorer() throws PartInitException {
        return new ExplorerProbe(show(ViewIds.CLIENT_EXPLORER, ClientExplorerView.class));
    }

    static TransfersProbe transfersView() throws PartInitException {
        return new TransfersProbe(show(ViewIds.TRANSFERS, TransfersView.class));
    }

    /** Fills the Local Server view with a free port, {@code root} and the auth mode; does not start. */
    static LocalServerProbe prepareLocalServer(Path root, boolean accounts) throws PartInitException {
        LocalServerProbe server = localServerView();
        Ui.waitUntil("the server is stopped", () -> server.start().isEnabled(), () -> server.status().getText());
        server.port().setText("0");
        server.root().setText(root.toString());
        server.auth().select(accounts ? 1 : 0);
        server.tls().setSelection(false); // plain, as every test but the TLS ones wants it
        server.requireTls().setSelection(false);
        server.tls().notifyListeners(SWT.Selection, new Event());
        return server;
    }

    /** Starts the server from the Local Server view on a free port; returns the port. */
    static int startLocalServer(Path root, boolean accounts) throws PartInitException {
        LocalServerProbe server = prepareLocalServer(root, accounts);
        Ui.click(server.start());
        Ui.waitUntil("the server is ready", () -> server.status().getText().startsWith("Server is ready on 127.0.0.1:"),
                () -> server.status().getText());
        int port = runner().status().address().getPort();
        assertEquals("Server is ready on 127.0.0.1:" + port, server.status().getText());
        assertEquals(String.valueOf(port), server.port().getText(), "the chosen port replaces 0");
        return port;
    }

    /**
     * The workbench the tests run in closes at their end, maybe with transfers still running: it must
     * not stop to ask. The one test of that question turns it on for itself.
     */
    static void doNotAskBeforeExit() {
        FitaPreferences.store().setValue(FitaPreferences.CONFIRM_EXIT, false);
    }

    /** Connects the explorer to the local server with its "Local server" button; does not wait. */
    static ExplorerProbe connectToLocalServer(String user, String password) throws PartInitException {
        ExplorerProbe explorer = explorer();
        explorer.user().setText(user);
        explorer.password().setText(password);
        Ui.click(explorer.localServer()); // fills in the local server's address and connects
        assertEquals("127.0.0.1", explorer.host().getText());
        return explorer;
    }

    static ExplorerProbe connectedToLocalServer(String user) throws PartInitException {
        ExplorerProbe explorer = connectToLocalServer(user, "");
        int port = runner().status().address().getPort();
        Ui.waitUntil("the explorer is connected", () -> explorer.status().getText().startsWith("Connected to 127.0.0.1:"
                + port), () -> explorer.status().getText());
        return explorer;
    }

    /** Delivers a FileTransfer drop of {@code files} to the explorer's drop listener, as SWT would. */
    static void drop(ExplorerProbe explorer, Path... files) {
        String[] paths = Stream.of(files).map(Path::toString).toArray(String[]::new);
        DropTargetEvent event = Ui.fileDrop(explorer.table(), paths);
        explorer.dropListener().dragEnter(event);
        explorer.dropListener().drop(event);
    }

    static void waitListed(ExplorerProbe explorer, String key) {
        Ui.waitUntil("\"" + key + "\" is listed", () -> explorer.shownKeys().contains(key),
                () -> explorer.shownKeys() + " / " + explorer.status().getText());
    }

    /** One connection, two blocks of 64 KiB in flight, at most {@code kibPerSecond}: transfers slow enough to catch. */
    static void slowTransfers(int kibPerSecond) {
        IPreferenceStore store = FitaPreferences.store();
        store.setValue(FitaPreferences.PARALLELISM, FitaPreferences.FIXED);
        store.setValue(FitaPreferences.CONNECTIONS, 1);
        store.setValue(FitaPreferences.WINDOW, 2);
        store.setValue(FitaPreferences.BLOCK_SIZE_KIB, 64);
        store.setValue(FitaPreferences.BANDWIDTH_KIB, kibPerSecond);
    }

    /** Waits until the newest transfer of {@code key} has moved more than {@code bytes}; returns it. */
    static TransferTask waitMoved(String key, long bytes) {
        Ui.waitUntil("the transfer of " + key + " moved " + bytes + " bytes", () -> task(key) != null
                && task(key).status().bytesDone() > bytes, transfers()::tasks);
        return task(key);
    }

    static TransferTask task(String key) {
        return transfers().tasks().stream().filter(t -> t.key().equals(key)).reduce((a, b) -> b).orElse(null);
    }

    static Path randomFile(Path dir, String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size + name.hashCode()).nextBytes(data);
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), data);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
