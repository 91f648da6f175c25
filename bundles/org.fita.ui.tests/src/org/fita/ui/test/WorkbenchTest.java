package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.Platform;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.TransferTask;
import org.fita.ui.ViewIds;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.server.LocalServerProbe;
import org.fita.ui.transfers.TransfersProbe;
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
        Fita.deleteTree(scratch);
    }

    @AfterEach
    void stopTheLocalServer() {
        Fita.runner().stop();
    }

    @Test
    void theFitaPerspectiveOpensWithItsThreeViews() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        assertEquals("FiTA", window.getShell().getText());
        assertEquals("org.fita.app.perspective", Fita.page().getPerspective().getId());
        Fita.page().resetPerspective();
        Ui.settle();
        for (String id : new String[] {ViewIds.LOCAL_SERVER, ViewIds.CLIENT_EXPLORER, ViewIds.TRANSFERS}) {
            assertNotNull(Fita.page().findView(id), id + " is part of the FiTA perspective");
        }
        assertEquals("FiTA", Platform.getProduct().getName());
        assertTrue(Platform.getProduct().getProperty("aboutText").startsWith("FiTA 0.1.0"));
        assertEquals(6, window.getShell().getImages().length, "the window has the FiTA icon in six sizes");
    }

    @Test
    void aDroppedFileIsUploadedListedDownloadedAndDeleted() throws Exception {
        Fita.startLocalServer(scratch.resolve("server"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");

        Path file = Fita.randomFile(scratch, "dropped.bin", 3 << 20);
        DropTargetEvent drop = Ui.fileDrop(explorer.table(), file.toString());
        explorer.dropListener().dragEnter(drop);
        assertEquals(DND.DROP_COPY, drop.detail, "files are copied to the server");
        explorer.dropListener().drop(drop);
        Fita.waitListed(explorer, "dropped.bin");
        RemoteFile listed = explorer.shown().get(explorer.shownKeys().indexOf("dropped.bin"));
        assertEquals(3 << 20, listed.size());

        TransfersProbe transfers = Fita.transfersView();
        Ui.waitUntil("the Transfers view shows the upload verified", () -> transfers.rows().stream()
                .anyMatch(r -> r.get(TransfersProbe.NAME).equals("dropped.bin")
                        && r.get(TransfersProbe.STATE).equals("Verified")), transfers::rows);
        assertEquals(listed.md5(), Fita.task("dropped.bin").result().md5());

        LocalServerProbe server = Fita.localServerView();
        Ui.waitUntil("the server view lists requests", () -> server.requestRows() > 0, server::log);
        assertTrue(server.log().contains("Server is ready"), server.log());
        assertTrue(server.connectionRows() >= 1, "the explorer's control connection is open");

        Path downloads = Files.createDirectories(scratch.resolve("downloads"));
        Fita.explorer().download(List.of(listed), downloads);
        Path downloaded = downloads.resolve("dropped.bin");
        Ui.waitUntil("the download is verified", () -> Fita.transfers().tasks().stream().anyMatch(t -> t.localPath()
                .equals(downloaded) && t.status().state() == TransferTask.State.VERIFIED), Fita.transfers()::tasks);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(downloaded));

        Ui.answerNextDialog("Delete", "OK");
        explorer.delete(List.of(listed));
        Ui.waitUntil("the deleted file is gone", () -> !explorer.shownKeys().contains("dropped.bin"),
                () -> explorer.shownKeys() + " / " + explorer.status().getText());
    }

    @Test
    void aWrongPasswordIsExplainedInTheExplorer() throws Exception {
        Fita.startLocalServer(scratch.resolve("accounts"), true);
        ExplorerProbe explorer = Fita.connectToLocalServer("alice", "not her password");
        Ui.waitUntil("the login is refused", () -> explorer.status().getText().contains("wrong username or password"),
                () -> explorer.status().getText());
        assertTrue(explorer.status().getText().contains("alice"), explorer.status().getText());
        assertFalse(explorer.connected(), "no session after a refused login");
        assertEquals(explorer.status().getDisplay().getSystemColor(SWT.COLOR_RED), explorer.status().getForeground());
    }

    @Test
    void againstAClassicServerTheExplorerShowsWhatItUploadedAndSaysWhy() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("classic-root"));
        try (StepServer classic = StepServer.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root)
                .classicOnly(true).logToConsole(false).build())) {
            ExplorerProbe explorer = Fita.explorer();
            explorer.host().setText("127.0.0.1");
            explorer.port().setText(String.valueOf(classic.port()));
            explorer.user().setText("student");
            explorer.password().setText("");
            Ui.click(explorer.connect());
            Ui.waitUntil("the listing explains the classic server", () -> explorer.status().getText().contains("classic"),
                    () -> explorer.status().getText());

            Fita.drop(explorer, Fita.randomFile(scratch, "classic.txt", 50_000));
            Ui.waitUntil("the uploaded key is shown", () -> explorer.shownKeys().equals(List.of("classic.txt")),
                    () -> explorer.shownKeys() + " / " + explorer.status().getText());
            String status = explorer.status().getText();
            assertTrue(status.contains("no way to list"), status);
            assertTrue(status.contains("uploaded from this workbench"), status);
        }
    }

    @Test
    void tenThousandRemoteFilesFilterAndSortQuickly() throws Exception {
        ExplorerProbe explorer = Fita.explorer();
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
        explorer.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals("folder00/file-00000.dat", explorer.shownKeys().get(0), "smallest first");
        explorer.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals("folder99/file-09999.dat", explorer.shownKeys().get(0), "the same column again reverses");
        Ui.settle();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "10,000 rows, a filter and two sorts took " + millis + " ms");
        assertTrue(explorer.table().getItem(0).getText(0).startsWith("folder99/"), "visible rows are filled lazily");
        explorer.select("folder42/file-05042.dat");
        explorer.filter().setText("5042");
        assertEquals(List.of("folder42/file-05042.dat"), explorer.selectedKeys(), "the selection survives filtering");
        explorer.filter().setText("");
        assertEquals(List.of("folder42/file-05042.dat"), explorer.selectedKeys());
        explorer.table().getColumn(0).notifyListeners(SWT.Selection, new Event());
        explorer.setFiles(List.of());
    }
}
