package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.server.runner.ServerRunner;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.TransferService;
import org.fita.transfer.TransferTask;
import org.fita.ui.ViewIds;
import org.fita.ui.explorer.ClientExplorerView;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.server.LocalServerProbe;
import org.fita.ui.server.LocalServerView;
import org.fita.ui.transfers.TransfersProbe;
import org.fita.ui.transfers.TransfersView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FiTA in the real workbench, driven through its widgets: the perspective, the local server,
 * the explorer (connect, drop to upload, list, download, delete, wrong password, classic server)
 * and the Transfers view.
 */
class WorkbenchTest {
    private static Path scratch;

    @BeforeAll
    static void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("fita-ui-test");
    }

    @AfterAll
    static void removeScratch() throws IOException {
        try (Stream<Path> all = Files.walk(scratch)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @AfterEach
    void stopTheLocalServer() {
        PlatformUI.getWorkbench().getService(ServerRunner.class).stop();
    }

    private static IWorkbenchPage page() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        assertNotNull(window, "a workbench window is open");
        return window.getActivePage();
    }

    private static <T extends IViewPart> T show(String id, Class<T> type) throws PartInitException {
        return type.cast(page().showView(id));
    }

    @Test
    void theFitaPerspectiveOpensWithItsThreeViews() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        assertEquals("FiTA", window.getShell().getText());
        assertEquals("org.fita.app.perspective", page().getPerspective().getId());
        page().resetPerspective();
        Ui.settle();
        for (String id : new String[] {ViewIds.LOCAL_SERVER, ViewIds.CLIENT_EXPLORER, ViewIds.TRANSFERS}) {
            assertNotNull(page().findView(id), id + " is part of the FiTA perspective");
        }
        var server = page().findView(ViewIds.LOCAL_SERVER).getViewSite().getShell();
        assertEquals(window.getShell(), server, "the views live in the main window");
    }

    /** Starts the server from the Local Server view on a free port; returns the port. */
    private static int startLocalServer(String auth) throws PartInitException {
        LocalServerProbe server = new LocalServerProbe(show(ViewIds.LOCAL_SERVER, LocalServerView.class));
        Ui.waitUntil("the server is stopped", () -> server.start().isEnabled(), () -> server.status().getText());
        server.port().setText("0");
        server.root().setText(scratch.resolve("server-" + auth).toString());
        server.auth().select(auth.equals("accounts") ? 1 : 0);
        Ui.click(server.start());
        Ui.waitUntil("the server is ready", () -> server.status().getText().startsWith("Server is ready on 127.0.0.1:"),
                () -> server.status().getText());
        int port = PlatformUI.getWorkbench().getService(ServerRunner.class).status().address().getPort();
        assertEquals("Server is ready on 127.0.0.1:" + port, server.status().getText());
        assertEquals(String.valueOf(port), server.port().getText(), "the chosen port replaces 0");
        assertTrue(server.stop().isEnabled());
        return port;
    }

    private static ExplorerProbe connectExplorer(String user, String password) throws PartInitException {
        ExplorerProbe explorer = new ExplorerProbe(show(ViewIds.CLIENT_EXPLORER, ClientExplorerView.class));
        Ui.click(explorer.localServer());
        assertEquals("127.0.0.1", explorer.host().getText());
        explorer.user().setText(user);
        explorer.password().setText(password);
        Ui.click(explorer.connect());
        return explorer;
    }

    private static Path randomFile(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(scratch.resolve(name), data);
    }

    @Test
    void aDroppedFileIsUploadedListedDownloadedAndDeleted() throws Exception {
        int port = startLocalServer("classic");
        ExplorerProbe explorer = connectExplorer("tester", "");
        Ui.waitUntil("the explorer is connected", () -> explorer.status().getText().startsWith("Connected to 127.0.0.1:"
                + port), () -> explorer.status().getText());

        Path file = randomFile("dropped.bin", 3 << 20);
        DropTargetEvent drop = Ui.fileDrop(explorer.table(), file.toString());
        explorer.dropListener().dragEnter(drop);
        assertEquals(DND.DROP_COPY, drop.detail, "files are copied to the server");
        explorer.dropListener().drop(drop);
        Ui.waitUntil("the dropped file is listed", () -> explorer.shownKeys().contains("dropped.bin"),
                () -> explorer.shownKeys() + " / " + explorer.status().getText());
        RemoteFile listed = explorer.shown().get(explorer.shownKeys().indexOf("dropped.bin"));
        assertEquals(3 << 20, listed.size());

        TransfersProbe transfers = new TransfersProbe(show(ViewIds.TRANSFERS, TransfersView.class));
        Ui.waitUntil("the Transfers view shows the upload verified", () -> transfers.rows().stream()
                .anyMatch(r -> r.get(0).equals("dropped.bin") && r.get(TransfersProbe.stateColumn()).equals("Verified")),
                transfers::rows);
        TransferService service = PlatformUI.getWorkbench().getService(TransferService.class);
        TransferTask upload = service.tasks().stream().filter(t -> t.key().equals("dropped.bin")).findFirst().orElseThrow();
        assertEquals(listed.md5(), upload.result().md5());

        LocalServerProbe server = new LocalServerProbe(show(ViewIds.LOCAL_SERVER, LocalServerView.class));
        Ui.waitUntil("the server view lists requests", () -> server.requestRows() > 0, () -> server.log());
        assertTrue(server.log().contains("Server is ready"), server.log());

        Path downloads = Files.createDirectories(scratch.resolve("downloads"));
        show(ViewIds.CLIENT_EXPLORER, ClientExplorerView.class);
        explorer.download(List.of(listed), downloads);
        Path downloaded = downloads.resolve("dropped.bin");
        Ui.waitUntil("the download is verified", () -> service.tasks().stream().anyMatch(t -> t.localPath()
                .equals(downloaded) && t.status().state() == TransferTask.State.VERIFIED), service::tasks);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(downloaded));

        Ui.answerNextDialog("Delete", "OK");
        explorer.delete(List.of(listed));
        Ui.waitUntil("the deleted file is gone", () -> !explorer.shownKeys().contains("dropped.bin"),
                () -> explorer.shownKeys() + " / " + explorer.status().getText());
    }

    @Test
    void aWrongPasswordIsExplainedInTheExplorer() throws Exception {
        startLocalServer("accounts");
        ExplorerProbe explorer = connectExplorer("alice", "not her password");
        Ui.waitUntil("the login is refused", () -> explorer.status().getText().contains("wrong username or password"),
                () -> explorer.status().getText());
        assertTrue(explorer.status().getText().contains("alice"), explorer.status().getText());
        assertTrue(!explorer.connected(), "no session after a refused login");
    }

    @Test
    void againstAClassicServerTheExplorerShowsWhatItUploadedAndSaysWhy() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("classic-root"));
        try (StepServer classic = StepServer.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root)
                .classicOnly(true).logToConsole(false).build())) {
            ExplorerProbe explorer = new ExplorerProbe(show(ViewIds.CLIENT_EXPLORER, ClientExplorerView.class));
            explorer.host().setText("127.0.0.1");
            explorer.port().setText(String.valueOf(classic.port()));
            explorer.user().setText("student");
            explorer.password().setText("");
            Ui.click(explorer.connect());
            Ui.waitUntil("the listing explains the classic server", () -> explorer.status().getText().contains("classic"),
                    () -> explorer.status().getText());

            Path file = randomFile("classic.txt", 50_000);
            DropTargetEvent drop = Ui.fileDrop(explorer.table(), file.toString());
            explorer.dropListener().drop(drop);
            Ui.waitUntil("the uploaded key is shown", () -> explorer.shownKeys().equals(List.of("classic.txt")),
                    () -> explorer.shownKeys() + " / " + explorer.status().getText());
            String status = explorer.status().getText();
            assertTrue(status.contains("cannot list") || status.contains("no way to list"), status);
            assertTrue(status.contains("uploaded from this workbench"), status);
        }
    }

    @Test
    void tenThousandRemoteFilesFilterAndSortQuickly() throws Exception {
        ExplorerProbe explorer = new ExplorerProbe(show(ViewIds.CLIENT_EXPLORER, ClientExplorerView.class));
        List<RemoteFile> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            files.add(new RemoteFile(String.format("folder%02d/file-%05d.dat", i % 100, i), i, "md5-" + i, i * 1000L));
        }
        long start = System.nanoTime();
        explorer.setFiles(files);
        Ui.settle();
        assertEquals(10_000, explorer.table().getItemCount());
        assertEquals("10000 files", explorer.count().getText());
        explorer.filter().setText("folder07/");
        assertEquals(100, explorer.table().getItemCount());
        assertEquals("100 of 10000 files", explorer.count().getText());
        explorer.filter().setText("");
        explorer.table().getColumn(1).notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        assertEquals("folder00/file-00000.dat", explorer.shownKeys().get(0), "smallest first");
        explorer.table().getColumn(1).notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        assertEquals("folder99/file-09999.dat", explorer.shownKeys().get(0), "the same column again reverses");
        Ui.settle();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "10,000 rows, a filter and two sorts took " + millis + " ms");
        assertTrue(explorer.table().getItem(0).getText(0).startsWith("folder99/"), "visible rows are filled lazily");
        explorer.setFiles(List.of());
        Display.getCurrent().update();
    }
}
