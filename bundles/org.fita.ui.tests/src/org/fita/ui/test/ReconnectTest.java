package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jface.preference.IPreferenceStore;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.server.auth.AuthMode;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.explorer.ExplorerProbeCommands;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.transfers.TransfersProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A workbench left open while its server times it out, restarts or lets its token expire: the
 * explorer and the transfers carry on without pressing Connect again.
 */
class ReconnectTest extends WorkbenchFixture {
    private StepServer server;

    @AfterEach
    void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    private static StepServer start(Path root, int port, Duration idle, Duration tokens) throws IOException {
        return StepServer.start(ServerConfig.builder().host("127.0.0.1").port(port).root(root)
                .authMode(AuthMode.CLASSIC).idleTimeout(idle).tokenTtl(tokens).logToConsole(false).build());
    }

    private static ExplorerProbe connect(int port) throws Exception {
        ExplorerProbe explorer = Fita.explorer();
        explorer.host().setText("127.0.0.1");
        explorer.port().setText(String.valueOf(port));
        explorer.user().setText("tester");
        explorer.password().setText("");
        Ui.waitUntil("Connect can be pressed", () -> explorer.connect().isEnabled(), () -> explorer.status().getText());
        Ui.click(explorer.connect());
        Ui.waitUntil("the explorer is connected", () -> explorer.status().getText().startsWith("Connected to 127.0.0.1:"
                + port), () -> explorer.status().getText());
        return explorer;
    }

    private static void idle(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        Ui.waitUntil("time passes", () -> System.nanoTime() > end, () -> "waiting");
    }

    /** Refresh, upload, download and delete, each as a person does it, each checked. */
    private static void everyOperationWorks(ExplorerProbe explorer, String tag) throws Exception {
        explorer.view().getSite().getPage().activate(explorer.view());
        ExplorerProbeCommands commands = new ExplorerProbeCommands(explorer);
        commands.refresh();
        Ui.waitUntil("the refresh lists the files", () -> explorer.status().getText().contains(" on 127.0.0.1:"),
                () -> explorer.status().getText());

        Path local = Fita.randomFile(scratch.resolve(tag), tag + ".bin", 300_000);
        Fita.drop(explorer, local);
        Fita.waitListed(explorer, tag + ".bin");
        TransferTask upload = Fita.task(tag + ".bin");
        Ui.waitUntil("the upload is verified", () -> upload.status().state() == TransferTask.State.VERIFIED,
                () -> upload.status());

        Path folder = Files.createDirectories(scratch.resolve(tag + "-down"));
        explorer.download(List.of(explorer.file(tag + ".bin")), folder);
        Ui.waitUntil("the download arrives", () -> Files.exists(folder.resolve(tag + ".bin")),
                () -> explorer.status().getText());
        Ui.waitUntil("the download is verified", () -> explorer.status().getText().startsWith("Downloaded 1 file"),
                () -> explorer.status().getText());
        assertArrayEquals(Files.readAllBytes(local), Files.readAllBytes(folder.resolve(tag + ".bin")));

        explorer.select(tag + ".bin");
        Ui.answerNextDialog("Delete", "OK");
        commands.delete();
        Ui.waitUntil("the delete removed the file", () -> !explorer.shownKeys().contains(tag + ".bin")
                && !explorer.status().getText().contains("Deleting"), () -> explorer.shownKeys() + " "
                + explorer.status().getText());
    }

    @Test
    void afterTheServersIdleTimeoutEveryOperationWorks() throws Exception {
        server = start(scratch.resolve("idle"), 0, Duration.ofSeconds(2), Duration.ofHours(1));
        ExplorerProbe explorer = connect(server.port());
        idle(Duration.ofSeconds(5));
        everyOperationWorks(explorer, "after-idle");
    }

    @Test
    void afterTheServerRestartedEveryOperationWorks() throws Exception {
        Path root = scratch.resolve("restart");
        server = start(root, 0, Duration.ofMinutes(5), Duration.ofHours(1));
        int port = server.port();
        ExplorerProbe explorer = connect(port);
        server.close();
        server = start(root, port, Duration.ofMinutes(5), Duration.ofHours(1));
        everyOperationWorks(explorer, "after-restart");
    }

    @Test
    void afterTheTokenExpiredEveryOperationWorks() throws Exception {
        server = start(scratch.resolve("expiry"), 0, Duration.ofMinutes(5), Duration.ofSeconds(3));
        ExplorerProbe explorer = connect(server.port());
        idle(Duration.ofSeconds(5));
        everyOperationWorks(explorer, "after-expiry");
    }

    @Test
    void aTransferInterruptedByAServerRestartFinishesByItself() throws Exception {
        Fita.slowTransfers(1024);
        Path root = scratch.resolve("interrupted");
        server = start(root, 0, Duration.ofMinutes(5), Duration.ofHours(1));
        int port = server.port();
        ExplorerProbe explorer = connect(port);
        Path local = Fita.randomFile(scratch, "interrupted.bin", 3 << 20);
        Fita.drop(explorer, local);
        TransferTask task = Fita.waitMoved("interrupted.bin", 512 << 10);
        server.close();
        idle(Duration.ofSeconds(2));
        server = start(root, port, Duration.ofMinutes(5), Duration.ofHours(1));
        Ui.waitUntil("the upload finishes by itself", () -> task.status().state() == TransferTask.State.VERIFIED,
                () -> task.status());
        assertEquals(Files.size(local), task.result().size());
        assertTrue(task.result().moved() < Files.size(local), "it continued from the server's blocks: moved "
                + task.result().moved());
    }

    @Test
    void retryAfterAFailureUsesTheLiveSession() throws Exception {
        Fita.slowTransfers(1024);
        FitaPreferences.store().setValue(FitaPreferences.RECONNECT_ATTEMPTS, 0);
        Path root = scratch.resolve("retry");
        server = start(root, 0, Duration.ofMinutes(5), Duration.ofHours(1));
        int port = server.port();
        ExplorerProbe explorer = connect(port);
        Fita.drop(explorer, Fita.randomFile(scratch, "retried.bin", 3 << 20));
        TransferTask task = Fita.waitMoved("retried.bin", 512 << 10);
        server.close();
        TransfersProbe view = Fita.transfersView();
        Ui.waitUntil("the upload fails", () -> "Failed".equals(view.stateOf(task)), view::rows);
        server = start(root, port, Duration.ofMinutes(5), Duration.ofHours(1));
        view.select(task);
        view.retry().run();
        Ui.waitUntil("the retry is verified", () -> "Verified".equals(view.stateOf(task)), view::rows);
        assertTrue(task.result().moved() < (3 << 20), "the retry resumed: it moved " + task.result().moved());
    }

}
