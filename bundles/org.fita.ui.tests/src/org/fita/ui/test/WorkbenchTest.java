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
import org.eclipse.ui.handlers.IHandlerService;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.tasks.TransferTask;
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
class WorkbenchTest extends WorkbenchFixture {

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
        RemoteFile listed = explorer.file("dropped.bin");
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
        explorer.select("dropped.bin");
        explorer.downloadSelection(downloads);
        Path downloaded = downloads.resolve("dropped.bin");
        Ui.waitUntil("the download is verified", () -> Fita.transfers().tasks().stream().anyMatch(t -> t.localPath()
                .equals(downloaded) && t.status().state() == TransferTask.State.VERIFIED), Fita.transfers()::tasks);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(downloaded));

        Ui.answerNextDialog("Delete", "OK");
        explorer.select("dropped.bin");
        explorer.deleteSelection();
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

            Path notes = Files.createDirectories(scratch.resolve("classic-local/notes"));
            Fita.randomFile(notes, "a.txt", 3_000);
            Fita.drop(explorer, Fita.randomFile(scratch, "classic.txt", 50_000), notes);
            Ui.waitUntil("the uploaded keys are shown, in folders", () -> explorer.shownKeys().equals(List.of("notes/",
                    "classic.txt")), () -> explorer.shownKeys() + " / " + explorer.status().getText());
            String status = explorer.status().getText();
            assertTrue(status.contains("no way to list"), status);
            assertTrue(status.contains("uploaded from this workbench"), status);
            explorer.open("notes/");
            assertEquals(List.of("notes/a.txt"), explorer.shownKeys());
            assertEquals(3_000, explorer.file("notes/a.txt").size());
            explorer.pressBackspace();
            assertEquals("", explorer.folder());
        }
    }

    @Test
    void tenThousandRemoteFilesInAHundredFoldersBrowseFilterAndSortQuickly() throws Exception {
        ExplorerProbe explorer = Fita.explorer();
        List<RemoteFile> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            files.add(new RemoteFile(String.format("folder%02d/file-%05d.dat", i % 100, i), i, "md5-" + i, i * 1000L));
        }
        long start = System.nanoTime();
        explorer.setFiles(files);
        Ui.settle();
        assertEquals("", explorer.folder());
        assertEquals(100, explorer.table().getItemCount());
        assertEquals("100 folders", explorer.count().getText());
        assertEquals("100 files", explorer.cellText("folder07/", 3), "a folder row counts its files");
        explorer.filter().setText("folder07/");
        assertEquals(100, explorer.table().getItemCount(), "a filter searches every folder");
        assertEquals("100 of 10000 files", explorer.count().getText());
        explorer.filter().setText("");
        assertEquals(100, explorer.table().getItemCount(), "an empty filter is the folder again");

        explorer.open("folder42/");
        assertEquals("folder42/", explorer.folder());
        assertEquals(100, explorer.table().getItemCount());
        assertEquals("100 files", explorer.count().getText());
        explorer.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals("folder42/file-00042.dat", explorer.shownKeys().get(0), "smallest first");
        explorer.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals("folder42/file-09942.dat", explorer.shownKeys().get(0), "the same column again reverses");
        Ui.settle();
        assertEquals("file-09942.dat", explorer.table().getItem(0).getText(0), "visible rows are filled lazily");
        explorer.select("folder42/file-05042.dat");
        explorer.filter().setText("5042");
        assertEquals(List.of("folder42/file-05042.dat"), explorer.selectedKeys(), "the selection survives filtering");
        assertEquals("folder42/file-05042.dat", explorer.table().getItem(0).getText(0), "a search shows whole keys");
        explorer.filter().setText("");
        assertEquals(List.of("folder42/file-05042.dat"), explorer.selectedKeys());
        explorer.pressBackspace();
        assertEquals("", explorer.folder());
        assertEquals(List.of("folder42/"), explorer.selectedKeys(), "the folder left is selected");
        assertEquals("folder99/", explorer.shownKeys().get(0), "folders sort by their total size");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "10,000 rows in 100 folders, two filters, a folder and two sorts took " + millis + " ms");
        explorer.table().getColumn(0).notifyListeners(SWT.Selection, new Event());
        explorer.setFiles(List.of());
    }

    @Test
    void keysWithSlashesAreBrowsedAsFoldersAndAFolderIsDownloadedAndDeletedWhole() throws Exception {
        Fita.startLocalServer(scratch.resolve("folders-server"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path local = scratch.resolve("folders-local");
        Path photos = Files.createDirectories(local.resolve("photos/2024"));
        Fita.randomFile(photos, "a.jpg", 120_000);
        Fita.randomFile(photos, "b.jpg", 250_000);
        Fita.randomFile(local.resolve("photos"), "c.png", 40_000);
        Fita.randomFile(local.resolve("docs"), "readme.txt", 1_000);
        Fita.drop(explorer, local.resolve("photos"), local.resolve("docs"), Fita.randomFile(local, "top.txt", 500));
        Ui.waitUntil("the root shows two folders and a file", () -> explorer.shownKeys().size() == 3
                && explorer.row("photos/").files().size() == 3, () -> explorer.shownKeys() + " / " + explorer.status()
                .getText());
        assertEquals(List.of("docs/", "photos/", "top.txt"), explorer.shownKeys().stream().sorted().toList());
        assertTrue(explorer.shownKeys().indexOf("top.txt") == 2, "folders first: " + explorer.shownKeys());
        assertEquals("2 folders, 1 file", explorer.count().getText());
        assertEquals(List.of("/"), explorer.path());
        assertEquals(120_000 + 250_000 + 40_000, explorer.row("photos/").size());
        assertEquals("photos/", explorer.cellText("photos/", 0));
        assertEquals("3 files", explorer.cellText("photos/", 3));

        explorer.open("photos/");
        assertEquals("photos/", explorer.folder());
        assertEquals(List.of("/", "photos/"), explorer.path());
        assertEquals(List.of("photos/2024/", "photos/c.png"), explorer.shownKeys());
        assertEquals(List.of("2024/", "c.png"), explorer.shownNames(), "names without the folder's prefix");
        explorer.open("photos/2024/");
        assertEquals(List.of("/", "photos/", "2024/"), explorer.path());
        assertEquals(List.of("a.jpg", "b.jpg"), explorer.shownNames());
        explorer.pressBackspace();
        assertEquals("photos/", explorer.folder(), "Backspace goes up");
        assertEquals(List.of("photos/2024/"), explorer.selectedKeys());

        // Inside a folder, dropped files and folders upload beneath it.
        Path more = Files.createDirectories(local.resolve("elsewhere/more"));
        Fita.randomFile(more, "y.txt", 7_000);
        Fita.drop(explorer, Fita.randomFile(local.resolve("elsewhere"), "x.txt", 5_000), more);
        Ui.waitUntil("the uploads show in the folder", () -> explorer.shownKeys().contains("photos/x.txt")
                && explorer.shownKeys().contains("photos/more/"), () -> explorer.shownKeys() + " / "
                        + explorer.status().getText());
        assertEquals("photos/", explorer.folder(), "a refresh keeps the folder shown");
        explorer.filter().setText("y.txt");
        assertEquals(List.of("photos/more/y.txt"), explorer.shownNames(), "a search shows whole keys");
        explorer.filter().setText("");
        assertEquals(List.of("photos/2024/", "photos/more/", "photos/c.png", "photos/x.txt"), explorer.shownKeys());

        Fita.page().activate(Fita.page().findView(ViewIds.CLIENT_EXPLORER));
        IHandlerService handlers = Fita.page().findView(ViewIds.CLIENT_EXPLORER).getSite()
                .getService(IHandlerService.class);
        handlers.executeCommand("org.fita.ui.up", null);
        assertEquals("", explorer.folder(), "the Up command goes up");
        assertEquals(List.of("photos/"), explorer.selectedKeys());
        explorer.open("photos/");
        explorer.clickPath("/");
        assertEquals("", explorer.folder(), "the breadcrumb goes to a folder");

        explorer.select("photos/");
        Path downloads = Files.createDirectories(scratch.resolve("folder-downloads"));
        explorer.downloadSelection(downloads);
        List<String> keys = List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/c.png", "photos/more/y.txt",
                "photos/x.txt");
        Ui.waitUntil("every file of the folder is downloaded", () -> keys.stream().allMatch(k -> Fita.transfers().tasks()
                .stream().anyMatch(t -> t.localPath().equals(downloads.resolve(k)) && t.status().state()
                        == TransferTask.State.VERIFIED)), Fita.transfers()::tasks);
        assertArrayEquals(Files.readAllBytes(photos.resolve("a.jpg")), Files.readAllBytes(downloads.resolve(keys.get(0))));
        assertArrayEquals(Files.readAllBytes(photos.resolve("b.jpg")), Files.readAllBytes(downloads.resolve(keys.get(1))));
        assertArrayEquals(Files.readAllBytes(local.resolve("photos/c.png")), Files.readAllBytes(downloads.resolve(keys
                .get(2))));
        assertArrayEquals(Files.readAllBytes(more.resolve("y.txt")), Files.readAllBytes(downloads.resolve(keys.get(3))));
        assertArrayEquals(Files.readAllBytes(local.resolve("elsewhere/x.txt")), Files.readAllBytes(downloads
                .resolve(keys.get(4))));

        List<String> question = new ArrayList<>();
        Ui.answerNextDialog("Delete", "OK", question);
        explorer.select("photos/");
        explorer.deleteSelection();
        Ui.waitUntil("the folder is gone", () -> explorer.shownKeys().equals(List.of("docs/", "top.txt")),
                () -> explorer.shownKeys() + " / " + explorer.status().getText());
        assertTrue(question.stream().anyMatch(t -> t.contains("the folder \"photos/\" and the 5 files in it")),
                question.toString());
        assertEquals(List.of("docs/readme.txt", "top.txt"), listedOnTheServer(explorer));
    }

    /** Every key of the explorer's listing, whatever the folder shown. */
    private static List<String> listedOnTheServer(ExplorerProbe explorer) {
        explorer.filter().setText("*");
        List<String> keys = explorer.shownKeys().stream().sorted().toList();
        explorer.filter().setText("");
        return keys;
    }
}
