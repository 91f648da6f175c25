package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.core.commands.Command;
import org.eclipse.core.runtime.Platform;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.ViewIds;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.explorer.ExplorerProbeCommands;
import org.fita.ui.messages.MessagesProbe;
import org.fita.ui.messages.MessagesView;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.transfers.ExitConfirmation;
import org.fita.ui.transfers.TransfersProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a person who keeps the window open all day runs into: commands, dialogs, failures, exit. */
class DailyUseTest extends WorkbenchFixture {

    private static Command command(String id) {
        return PlatformUI.getWorkbench().getService(ICommandService.class).getCommand(id);
    }

    @Test
    void serverCommandsAreEnabledOnlyWhileConnected() throws Exception {
        ExplorerProbe explorer = Fita.explorer();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        explorer.host().setText("127.0.0.1");
        explorer.port().setText(String.valueOf(closedPort));
        Ui.click(explorer.connect());
        Ui.waitUntil("the connection is refused", () -> explorer.connect().isEnabled()
                && explorer.status().getText().startsWith("Cannot connect"), () -> explorer.status().getText());
        Fita.page().activate(Fita.page().findView(ViewIds.CLIENT_EXPLORER));
        Ui.settle();
        assertFalse(command("org.fita.ui.upload").isEnabled(), "Upload while not connected");
        assertFalse(command("org.fita.ui.refresh").isEnabled(), "Refresh while not connected");

        Fita.startLocalServer(scratch.resolve("enabled"), false);
        Fita.connectedToLocalServer("tester"); // the "Local server" button connects by itself
        Fita.page().activate(Fita.page().findView(ViewIds.CLIENT_EXPLORER));
        Ui.settle();
        assertTrue(command("org.fita.ui.upload").isEnabled(), "Upload once connected");
        assertTrue(command("org.fita.ui.refresh").isEnabled(), "Refresh once connected");
    }

    @Test
    void aConnectionIsRememberedOnDiskAtOnce() throws Exception {
        Fita.startLocalServer(scratch.resolve("recent"), false);
        Fita.connectedToLocalServer("rememberme");
        int port = Fita.runner().status().address().getPort();
        // Written when the login succeeds, not when the Preferences dialog is next saved: a crash keeps it.
        Path prefs = Path.of(Platform.getInstanceLocation().getURL().getFile()).resolve(
                ".metadata/.plugins/org.eclipse.core.runtime/.settings/org.fita.ui.prefs");
        Ui.waitUntil("the preferences file names the connection", () -> {
            try {
                return Files.exists(prefs) && Files.readString(prefs).contains("rememberme@127.0.0.1\\:" + port);
            } catch (IOException e) {
                return false;
            }
        }, () -> prefs);
    }

    @Test
    void theTableIsTintedWhileFilesAreDraggedOverIt() throws Exception {
        Fita.startLocalServer(scratch.resolve("tint"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        DropTargetEvent drag = Ui.fileDrop(explorer.table(), scratch.toString());
        explorer.dropListener().dragEnter(drag);
        assertTrue(explorer.showsDropTarget(), "tinted while dragged over");
        assertTrue(explorer.status().getText().startsWith("Drop to upload into the top folder"),
                explorer.status().getText());
        explorer.dropListener().dragLeave(drag);
        assertFalse(explorer.showsDropTarget(), "back to normal when the drag leaves");
    }

    @Test
    void aTypedDownloadFolderIsUsedAndOfferedNextTime() throws Exception {
        Fita.startLocalServer(scratch.resolve("folder-dialog"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Fita.drop(explorer, Fita.randomFile(scratch, "wanted.bin", 5000));
        Fita.waitListed(explorer, "wanted.bin");
        Fita.page().activate(Fita.page().findView(ViewIds.CLIENT_EXPLORER));
        explorer.select("wanted.bin");
        Ui.settle();

        Path typed = scratch.resolve("typed/not yet there");
        IHandlerService handlers = Fita.page().findView(ViewIds.CLIENT_EXPLORER).getSite().getService(IHandlerService.class);
        ExplorerProbe.answerDownloadFolder(explorer.table().getDisplay(), typed.toString());
        handlers.executeCommand("org.fita.ui.download", null);
        Ui.waitUntil("the file is downloaded into the typed folder", () -> Files.exists(typed.resolve("wanted.bin")),
                () -> explorer.status().getText());
        Ui.waitUntil("the status line says it is done", () -> explorer.status().getText().startsWith("Downloaded 1 file"),
                () -> explorer.status().getText());

        AtomicReference<String> offered = ExplorerProbe.answerDownloadFolder(explorer.table().getDisplay(), null);
        handlers.executeCommand("org.fita.ui.download", null);
        Ui.waitUntil("the dialog was answered", () -> offered.get() != null, () -> "no dialog");
        assertEquals(typed.toString(), offered.get(), "the last folder is offered again");
    }

    @Test
    void aFailureIsReadableWholeAndReportedOnTheStatusLine() throws Exception {
        Fita.startLocalServer(scratch.resolve("failure"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path folder = Files.createDirectories(scratch.resolve("failure-local"));
        String key = "a/rather/long/folder/name/for/a/file/that/was/never/uploaded.bin";
        Ui.waitUntil("the explorer is idle", () -> explorer.connect().isEnabled(), () -> explorer.status().getText());
        List<RemoteFile> missing = List.of(new RemoteFile(key, 10, "", -1));
        explorer.download(missing, folder);
        Ui.waitUntil("the status line reports the failure", () -> explorer.status().getText().startsWith("Failed downloading"),
                () -> explorer.status().getText());
        TransferTask task = Fita.task(key);
        assertEquals(TransferTask.State.FAILED, task.status().state());
        String reason = task.status().message();
        assertTrue(reason.length() > 60, reason);
        assertTrue(explorer.status().getText().contains(reason), explorer.status().getText());

        TransfersProbe view = Fita.transfersView();
        Ui.waitUntil("its row says Failed", () -> "Failed".equals(view.stateOf(task)), view::rows);
        assertEquals(reason, view.detailsToolTip(task), "the tooltip holds the whole reason");
        String details = view.details(task);
        assertNotNull(details, "the details dialog opened");
        assertTrue(details.contains(reason) && details.contains(folder.toString()), details);

        MessagesProbe messages = new MessagesProbe(Fita.show(ViewIds.MESSAGES, MessagesView.class));
        Ui.waitUntil("the message log has the whole reason", () -> messages.texts().stream()
                .anyMatch(t -> t.contains(reason)), messages::texts);
        assertTrue(messages.texts().stream().anyMatch(t -> t.startsWith("Logged in as \"tester\"")), "the login is logged");
        Ui.waitUntil("the server's whole 404 reply is logged", () -> messages.texts().stream()
                .anyMatch(t -> t.startsWith("{") && t.contains("\"status\":404")), messages::texts);
        assertTrue(messages.texts().stream().anyMatch(t -> t.contains("\"token\":\"(hidden)\"")), "requests are logged");
        String token = explorer.token();
        assertTrue(messages.texts().stream().noneMatch(t -> t.contains(token)), "no token in the log");
    }

    @Test
    void whatACancelledUploadLeftIsRemovedFromTheServer() throws Exception {
        Fita.slowTransfers(512);
        Path root = scratch.resolve("leftovers");
        Fita.startLocalServer(root, false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Fita.drop(explorer, Fita.randomFile(scratch, "abandoned.bin", 4 << 20));
        TransferTask task = Fita.waitMoved("abandoned.bin", 256 << 10);
        task.cancel();
        TransfersProbe view = Fita.transfersView();
        Ui.waitUntil("its row says Cancelled", () -> "Cancelled".equals(view.stateOf(task)), view::rows);
        assertTrue(partialFiles(root) > 0, "the server holds the cancelled upload's blocks");

        view.select(task);
        assertTrue(view.removeOnServer().isEnabled());
        view.removeOnServer().run();
        Ui.waitUntil("the view says it is removed", () -> view.notice().contains("is removed"), view::notice);
        assertEquals(0, partialFiles(root), "nothing of the upload is left on the server");
    }

    /** Files the server keeps for unfinished uploads (users/U/uploads/, docs/protocol-extensions.md 5.3). */
    private static long partialFiles(Path root) throws IOException {
        try (var all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).filter(p -> p.getParent().getFileName().toString().equals("uploads"))
                    .count();
        }
    }

    @Test
    void aKeyThatReordersTextIsShownWithItsControlVisible() throws Exception {
        Fita.startLocalServer(scratch.resolve("bidi"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        String spoofing = "invoice\u202Efdp.exe";
        Fita.drop(explorer, Fita.randomFile(scratch.resolve("bidi-local"), spoofing, 100));
        Fita.waitListed(explorer, spoofing);
        assertEquals("invoice\\u202efdp.exe", explorer.cellText(spoofing, 0));
    }

    @Test
    void overwriteThenCancelLeavesTheOldFileIntact() throws Exception {
        Fita.startLocalServer(scratch.resolve("overwrite"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path v1 = Fita.randomFile(scratch.resolve("overwrite-v1"), "report.bin", 200_000);
        Fita.drop(explorer, v1);
        Fita.waitListed(explorer, "report.bin");
        Ui.waitUntil("the first version is verified", () -> Fita.task("report.bin").status().state()
                == TransferTask.State.VERIFIED, () -> Fita.task("report.bin").status());
        String oldMd5 = explorer.file("report.bin").md5();

        Fita.slowTransfers(512);
        TransferTask first = Fita.task("report.bin");
        Path v2 = Fita.randomFile(scratch.resolve("overwrite-v2"), "report.bin", 4 << 20);
        Ui.answerNextDialog("Destination exists", "Overwrite");
        Fita.drop(explorer, v2);
        Ui.waitUntil("the new version is being uploaded", () -> Fita.task("report.bin") != first
                && Fita.task("report.bin").status().bytesDone() > (256 << 10), Fita.transfers()::tasks);
        TransferTask replacing = Fita.task("report.bin");
        replacing.cancel();
        Ui.waitUntil("the replacement is cancelled", () -> replacing.status().state() == TransferTask.State.CANCELLED,
                replacing::status);

        new ExplorerProbeCommands(explorer).refresh();
        Ui.waitUntil("the listing is back", () -> explorer.status().getText().contains(" on 127.0.0.1:"),
                () -> explorer.status().getText());
        assertEquals(oldMd5, explorer.file("report.bin").md5(), "the old version is still there, whole");
        Path back = Files.createDirectories(scratch.resolve("overwrite-back"));
        explorer.download(List.of(explorer.file("report.bin")), back);
        Ui.waitUntil("the old version downloads", () -> explorer.status().getText().startsWith("Downloaded 1 file"),
                () -> explorer.status().getText());
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(back.resolve("report.bin")));
    }

    @Test
    void exitAsksWhileTransfersRun() throws Exception {
        Fita.slowTransfers(256);
        Fita.startLocalServer(scratch.resolve("exit"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Fita.drop(explorer, Fita.randomFile(scratch, "running.bin", 4 << 20));
        Ui.waitUntil("the upload runs", () -> Fita.task("running.bin") != null
                && Fita.task("running.bin").status().state() == TransferTask.State.RUNNING, Fita.transfers()::tasks);
        var shell = explorer.view().getSite().getShell();

        IPreferenceStore store = FitaPreferences.store();
        store.setValue(FitaPreferences.CONFIRM_EXIT, true);
        Ui.answerNextDialog(ExitConfirmation.TITLE, "Cancel");
        assertFalse(ExitConfirmation.confirm(shell, Fita.transfers()), "Cancel keeps the workbench open");
        Ui.answerNextDialog(ExitConfirmation.TITLE, ExitConfirmation.EXIT);
        assertTrue(ExitConfirmation.confirm(shell, Fita.transfers()), "Exit goes on");
        store.setValue(FitaPreferences.CONFIRM_EXIT, false);
        assertTrue(ExitConfirmation.confirm(shell, Fita.transfers()), "not asked when the preference is off");
        Fita.task("running.bin").cancel();
    }
}
