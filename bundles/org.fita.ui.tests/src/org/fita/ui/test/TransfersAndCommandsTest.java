package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.DragSourceEvent;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.dialogs.PreferencesUtil;
import org.eclipse.ui.handlers.IHandlerService;
import org.eclipse.ui.keys.IBindingService;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.WhenExists;
import org.fita.transfer.tasks.DefaultTransferService;
import org.fita.transfer.tasks.TransferHistory;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.StartupArguments;
import org.fita.ui.ViewIds;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.preferences.LocalServerPreferencePage;
import org.fita.ui.preferences.PasswordStore;
import org.fita.ui.preferences.RecentConnection;
import org.fita.ui.preferences.TransferPreferencePage;
import org.fita.ui.server.LocalServerProbe;
import org.fita.ui.transfers.TransferJob;
import org.fita.ui.transfers.TransferRestorer;
import org.fita.ui.transfers.TransfersProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Transfers view's actions, conflicts, commands and key bindings, drag out, preferences, startup. */
class TransfersAndCommandsTest extends WorkbenchFixture {

    @Test
    void aTransferIsPausedResumedCancelledRetriedAndRemovedFromItsView() throws Exception {
        Fita.slowTransfers(1024);
        Fita.startLocalServer(scratch.resolve("server"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path file = Fita.randomFile(scratch, "slow.bin", 4 << 20);
        Fita.drop(explorer, file);

        TransfersProbe view = Fita.transfersView();
        Ui.waitUntil("the upload runs", () -> Fita.task("slow.bin") != null
                && Fita.task("slow.bin").status().bytesDone() > 0, Fita.transfers()::tasks);
        TransferTask task = Fita.task("slow.bin");
        Ui.waitUntil("its row says Running", () -> "Running".equals(view.stateOf(task)), view::rows);
        view.select(task);
        assertTrue(view.pause().isEnabled());
        assertFalse(view.retry().isEnabled());
        view.pause().run();
        Ui.waitUntil("its row says Paused", () -> "Paused".equals(view.stateOf(task)), view::rows);
        assertTrue(view.resume().isEnabled());
        view.resume().run();
        Ui.waitUntil("its row says Running again", () -> "Running".equals(view.stateOf(task)), view::rows);
        view.cancel().run();
        Ui.waitUntil("its row says Cancelled", () -> "Cancelled".equals(view.stateOf(task)), view::rows);
        long done = task.status().bytesDone();
        assertTrue(done < (4 << 20), "cancelled before the end: " + done);

        assertTrue(view.retry().isEnabled());
        view.retry().run();
        Ui.waitUntil("the retry is verified", () -> "Verified".equals(view.stateOf(task)), view::rows);
        assertTrue(task.result().moved() < (4 << 20), "the retry resumed: it moved " + task.result().moved());
        Fita.waitListed(explorer, "slow.bin");

        view.select(task);
        view.remove().run();
        Ui.waitUntil("the row is gone", () -> view.stateOf(task) == null, view::rows);
        assertFalse(Fita.transfers().tasks().contains(task));
    }

    @Test
    void theTransfersAtOncePreferenceKeepsTheOthersQueued() throws Exception {
        IPreferenceStore store = FitaPreferences.store();
        store.setValue(FitaPreferences.TRANSFERS_AT_ONCE, 1);
        store.setValue(FitaPreferences.BLOCK_SIZE_KIB, 64);
        store.setValue(FitaPreferences.BANDWIDTH_KIB, 2048);
        Fita.startLocalServer(scratch.resolve("one-at-a-time"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path first = Fita.randomFile(scratch, "first.bin", 2 << 20);
        Path second = Fita.randomFile(scratch, "second.bin", 2 << 20);
        Fita.drop(explorer, first);
        Ui.waitUntil("the first upload runs", () -> Fita.task("first.bin") != null
                && Fita.task("first.bin").status().bytesDone() > 0, Fita.transfers()::tasks);
        Fita.drop(explorer, second);
        Ui.waitUntil("the second one is listed", () -> Fita.task("second.bin") != null, Fita.transfers()::tasks);
        TransferTask one = Fita.task("first.bin");
        TransferTask two = Fita.task("second.bin");
        boolean[] overlapped = {false};
        Ui.waitUntil("the first verifies", () -> {
            // The second's state first: once it leaves the queue, the first's job has ended verified.
            boolean secondStarted = two.status().state() != State.QUEUED;
            boolean firstDone = one.status().state() == State.VERIFIED;
            overlapped[0] |= secondStarted && !firstDone;
            return firstDone;
        }, one::status);
        assertFalse(overlapped[0], "with one transfer at a time, the second waited in the queue");
        Ui.waitUntil("the second then runs and verifies", () -> two.status().state() == State.VERIFIED, two::status);
    }

    /** An earlier run of FiTA, with its own Transfers list and journal, uploading one file to a local server. */
    private record EarlierRun(ServerAddress server, TransferJournal journal, TransferHistory history,
            DefaultTransferService service, TransferTask upload, Path file) {

        /** Starts a 6 MiB upload at 2 MiB/s as {@code user} and returns once 1 MiB of it is moved. */
        static EarlierRun uploading(Path scratch, String name, String user) throws Exception {
            int port = Fita.startLocalServer(scratch.resolve(name + "-server"), false);
            ServerAddress server = new ServerAddress("127.0.0.1", port);
            Path state = Files.createDirectories(scratch.resolve(name + "-run"));
            TransferJournal journal = new TransferJournal(state.resolve("journal"));
            TransferHistory history = new TransferHistory(state.resolve("transfers.json"));
            Path file = Fita.randomFile(scratch, name + ".bin", 6 << 20);
            DefaultTransferService service = new DefaultTransferService(journal, history);
            StepSession session = service.connect(server, user, StepSession.classicPassword(user));
            CountDownLatch oneMiB = new CountDownLatch(1);
            TransferTask upload = service.upload(session, file, name + ".bin",
                    new TransferOptions(1, 2, 64 * 1024, false, 2L << 20), WhenExists.FAIL);
            upload.start(e -> {
                if (e instanceof TransferEvent.Progress p && p.bytesDone() >= (1 << 20)) {
                    oneMiB.countDown();
                }
            });
            assertTrue(oneMiB.await(30, TimeUnit.SECONDS));
            return new EarlierRun(server, journal, history, service, upload, file);
        }

        /** The next run of FiTA: a service that restores what this one saved. */
        DefaultTransferService next() {
            return new DefaultTransferService(journal, history);
        }

        void assertUploadedWhole(TransferTask task) throws Exception {
            assertTrue(task.result().moved() < (6 << 20), "continued, moved " + task.result().moved());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file))),
                    task.result().md5());
        }
    }

    @Test
    void anUploadLeftUnfinishedByAnEarlierRunContinuesWhenItCanLogIn() throws Exception {
        // Stopped as the workbench stops it on exit.
        EarlierRun earlier = EarlierRun.uploading(scratch, "continued", "restarter");
        earlier.service().stop();
        ServerAddress server = earlier.server();

        RecentConnection recent = new RecentConnection("restarter", server);
        PasswordStore.save(recent, "not the classic password");
        DefaultTransferService later = earlier.next();
        try {
            TransferRestorer.start(later);
            TransferTask task = later.tasks().get(0);
            Ui.waitUntil("the login with the stored password is refused", () -> task.status().state() == State.FAILED
                    && task.status().message().contains("Could not log in"), task::status);
            assertTrue(task.status().message().contains("restarter"), task.status().message());
            assertTrue(task.wasInterrupted(), "it still waits for a login that works");

            PasswordStore.forget(recent);
            StepSession explorers = later.connect(server, "restarter", StepSession.classicPassword("restarter"));
            assertEquals(1, TransferRestorer.resumeWith(later, explorers), "connecting there continues it");
            Ui.waitUntil("the upload continues and verifies", () -> task.status().state() == State.VERIFIED,
                    task::status);
            earlier.assertUploadedWhole(task);
        } finally {
            later.stop();
        }
    }

    @Test
    void anUploadPausedWhenTheEarlierRunStoppedWaitsForResume() throws Exception {
        EarlierRun earlier = EarlierRun.uploading(scratch, "paused", "pauser");
        TransferTask before = earlier.upload();
        before.pause();
        Ui.waitUntil("the earlier run pauses it", () -> before.status().state() == State.PAUSED, before::status);
        earlier.service().stop();

        DefaultTransferService later = earlier.next();
        try {
            TransferRestorer.start(later);
            TransferTask task = later.tasks().get(0);
            StepSession explorers = later.connect(earlier.server(), "pauser", StepSession.classicPassword("pauser"));
            assertEquals(0, TransferRestorer.resumeWith(later, explorers), "connecting does not start it either");
            Thread.sleep(1000);
            assertEquals(State.PAUSED, task.status().state(), "still paused a second later: " + task.status());
            assertTrue(TransfersProbe.detailsCell(task).endsWith("Press Resume to continue it."),
                    TransfersProbe.detailsCell(task));

            TransferJob.resume(task);
            Ui.waitUntil("Resume continues it to the end", () -> task.status().state() == State.VERIFIED,
                    task::status);
            earlier.assertUploadedWhole(task);
        } finally {
            later.stop();
        }
    }

    @Test
    void anExistingKeyIsRenamedOrKeptAsTheDialogSays() throws Exception {
        Fita.startLocalServer(scratch.resolve("conflicts"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path file = Fita.randomFile(scratch, "same.txt", 10_000);
        Fita.drop(explorer, file);
        Fita.waitListed(explorer, "same.txt");

        Ui.answerNextDialog("Destination exists", "Rename");
        Fita.drop(explorer, file);
        Fita.waitListed(explorer, "same (1).txt");

        Ui.answerNextDialog("Destination exists", "Resume");
        Fita.drop(explorer, file);
        Ui.waitUntil("the identical copy is kept", () -> Fita.transfers().tasks().stream().filter(t -> t.key()
                .equals("same.txt")).anyMatch(t -> t.result() != null && t.result().moved() == 0), Fita.transfers()::tasks);

        Ui.answerNextDialog("Destination exists", "Skip");
        int before = Fita.transfers().tasks().size();
        Fita.drop(explorer, file);
        Ui.waitUntil("the skip is reported", () -> explorer.status().getText().contains("1 skipped"),
                () -> explorer.status().getText());
        assertEquals(before, Fita.transfers().tasks().size(), "nothing started");
        assertEquals(List.of("same (1).txt", "same.txt"), explorer.shownKeys());
    }

    @Test
    void theExplorerCommandsAreBoundAndWork() throws Exception {
        Fita.startLocalServer(scratch.resolve("commands"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path folder = Files.createDirectories(scratch.resolve("commands-local/kept"));
        Fita.randomFile(folder, "inside.txt", 100);
        Fita.drop(explorer, Fita.randomFile(scratch, "keyed.bin", 1000), folder);
        Fita.waitListed(explorer, "keyed.bin");
        Fita.waitListed(explorer, "kept/");
        Fita.page().activate(Fita.page().findView(ViewIds.CLIENT_EXPLORER));
        explorer.select("keyed.bin");
        Ui.settle();

        IBindingService bindings = PlatformUI.getWorkbench().getService(IBindingService.class);
        assertEquals("F5", bindings.getBestActiveBindingFormattedFor("org.fita.ui.refresh"));
        assertNotNull(bindings.getBestActiveBindingFormattedFor("org.fita.ui.copyKey"));
        assertNotNull(bindings.getBestActiveBindingFormattedFor("org.fita.ui.upload"));
        assertNotNull(bindings.getBestActiveBindingFormattedFor("org.fita.ui.up"));

        IHandlerService handlers = Fita.page().findView(ViewIds.CLIENT_EXPLORER).getSite().getService(IHandlerService.class);
        handlers.executeCommand("org.fita.ui.copyKey", null);
        assertEquals("keyed.bin", clipboardText());
        handlers.executeCommand("org.fita.ui.copyMd5", null);
        assertEquals(explorer.file("keyed.bin").md5(), clipboardText());
        handlers.executeCommand("org.fita.ui.refresh", null);
        Ui.waitUntil("the refresh keeps the selection", () -> explorer.selectedKeys().equals(List.of("keyed.bin")),
                () -> explorer.selectedKeys());

        Ui.answerNextDialog("Delete", "OK");
        handlers.executeCommand("org.fita.ui.delete", null);
        Ui.waitUntil("the delete command removed the file", () -> explorer.shownKeys().equals(List.of("kept/")),
                () -> explorer.shownKeys());

        explorer.select("kept/");
        handlers.executeCommand("org.fita.ui.copyKey", null);
        assertEquals("kept/", clipboardText(), "a folder's key is its prefix");
        handlers.executeCommand("org.fita.ui.copyMd5", null);
        assertEquals(explorer.row("kept/").files().get(0).md5() + "  kept/inside.txt", clipboardText(),
                "a folder's MD5s as md5sum lines");
        Ui.answerNextDialog("Delete", "OK");
        handlers.executeCommand("org.fita.ui.delete", null);
        Ui.waitUntil("the delete command removed the folder", () -> explorer.shownKeys().isEmpty(),
                () -> explorer.shownKeys());
    }

    private static String clipboardText() {
        Clipboard clipboard = new Clipboard(PlatformUI.getWorkbench().getDisplay());
        try {
            return (String) clipboard.getContents(TextTransfer.getInstance());
        } finally {
            clipboard.dispose();
        }
    }

    @Test
    void rowsDraggedOutAreDownloadedAndHandedOverAsFiles() throws Exception {
        Fita.startLocalServer(scratch.resolve("drag"), false);
        ExplorerProbe explorer = Fita.connectedToLocalServer("tester");
        Path file = Fita.randomFile(scratch, "dragged.bin", 200_000);
        Path album = Files.createDirectories(scratch.resolve("drag-local/album"));
        Path song = Fita.randomFile(album.resolve("disc 1"), "song.ogg", 30_000);
        Fita.drop(explorer, file, album);
        Fita.waitListed(explorer, "dragged.bin");
        Fita.waitListed(explorer, "album/");
        explorer.select("dragged.bin");

        DragSourceEvent event = Ui.fileDrag(explorer.table());
        explorer.dragListener().dragStart(event);
        assertTrue(event.doit, "the drag starts");
        explorer.dragListener().dragSetData(event);
        String[] paths = assertInstanceOf(String[].class, event.data);
        assertEquals(1, paths.length);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(Path.of(paths[0])));

        org.eclipse.swt.dnd.DropTargetEvent back = Ui.fileDrop(explorer.table(), paths);
        explorer.dropListener().dragEnter(back);
        assertEquals(org.eclipse.swt.dnd.DND.DROP_NONE, back.detail, "rows dragged out are not dropped back in");
        explorer.dragListener().dragFinished(event);

        explorer.select("album/");
        DragSourceEvent folderDrag = Ui.fileDrag(explorer.table());
        explorer.dragListener().dragStart(folderDrag);
        assertTrue(folderDrag.doit, "a folder row is dragged");
        explorer.dragListener().dragSetData(folderDrag);
        String[] folderPaths = assertInstanceOf(String[].class, folderDrag.data);
        assertEquals(1, folderPaths.length, "a folder row is handed over as one folder");
        Path handed = Path.of(folderPaths[0]);
        assertEquals("album", handed.getFileName().toString());
        assertArrayEquals(Files.readAllBytes(song), Files.readAllBytes(handed.resolve("disc 1/song.ogg")));
        explorer.dragListener().dragFinished(folderDrag);
    }

    @Test
    void theServerKeepsRunningWhenItsViewCloses() throws Exception {
        int port = Fita.startLocalServer(scratch.resolve("outlives"), false);
        Fita.page().hideView(Fita.page().findView(ViewIds.LOCAL_SERVER));
        Ui.settle();
        assertTrue(Fita.runner().status().running(), "closing the view does not stop the server");
        LocalServerProbe reopened = Fita.localServerView();
        assertEquals("Server is ready on 127.0.0.1:" + port, reopened.status().getText());
        assertEquals(String.valueOf(port), reopened.port().getText());
        assertTrue(reopened.log().contains("Server is ready"), "the reopened view shows the earlier log");
        Ui.click(reopened.stop());
        Ui.waitUntil("the server stops", () -> reopened.status().getText().equals("Server is stopped"),
                () -> reopened.status().getText());
    }

    @Test
    void thePreferencePagesOpen() {
        String[] pages = {"org.fita.ui.preferences", "org.fita.ui.preferences.localServer"};
        Class<?>[] types = {TransferPreferencePage.class, LocalServerPreferencePage.class};
        for (int i = 0; i < pages.length; i++) {
            PreferenceDialog dialog = PreferencesUtil.createPreferenceDialogOn(
                    PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), pages[i], pages, null);
            dialog.setBlockOnOpen(false);
            dialog.open();
            try {
                assertInstanceOf(types[i], dialog.getSelectedPage());
            } finally {
                dialog.close();
            }
        }
        assertEquals(0, FitaPreferences.transferOptions().connections(), "adaptive by default");
        assertEquals(1 << 20, FitaPreferences.transferOptions().blockSize());
    }

    @Test
    void passwordsAreKeptInSecureStorage() throws Exception {
        RecentConnection connection = new RecentConnection("bob", new ServerAddress("example.org", 1379));
        PasswordStore.save(connection, "s3cret");
        assertEquals(Optional.of("s3cret"), PasswordStore.load(connection));
        PasswordStore.forget(connection);
        assertEquals(Optional.empty(), PasswordStore.load(connection));
        Path key = Path.of(System.getProperty("user.home"), ".fita", "secure-storage.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void recentConnectionsAreRememberedNewestFirst() {
        RecentConnection a = RecentConnection.parse("a@host:1").orElseThrow();
        RecentConnection b = RecentConnection.parse("me@work@[::1]:2").orElseThrow();
        assertEquals("me@work", b.user());
        assertEquals("[::1]:2", b.server().toString());
        FitaPreferences.remember(a);
        FitaPreferences.remember(b);
        FitaPreferences.remember(a);
        assertEquals(List.of(a, b), FitaPreferences.recentConnections().subList(0, 2));
        assertTrue(RecentConnection.parse("nobody").isEmpty());
    }

    @Test
    void startupArgumentsStartTheServerConnectAndUpload() throws Exception {
        StartupArguments none = StartupArguments.parse(new String[] {"-consoleLog", "-data", "x"});
        assertTrue(none.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> StartupArguments.parse(new String[] {"-upload", "f"}));
        assertThrows(IllegalArgumentException.class, () -> StartupArguments.parse(new String[] {"-connect", "x"}));
        StartupArguments remote = StartupArguments.parse(new String[] {"-connect", "ann@files:1400"});
        assertEquals("ann", remote.connect().orElseThrow().user());

        Path file = Fita.randomFile(scratch, "at-startup.txt", 1234);
        StartupArguments arguments = StartupArguments.parse(new String[] {"-startServer", "-connect", "local",
            "-upload", file.toString()});
        assertTrue(arguments.startServer() && arguments.local());
        Fita.prepareLocalServer(scratch.resolve("startup"), false);
        org.fita.ui.Startup.perform(Fita.page(), arguments);
        ExplorerProbe explorer = Fita.explorer();
        Fita.waitListed(explorer, "at-startup.txt");
        assertTrue(Fita.runner().status().running());
    }
}
