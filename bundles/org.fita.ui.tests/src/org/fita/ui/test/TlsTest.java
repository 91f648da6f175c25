package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.preferences.RecentConnection;
import org.fita.ui.security.SecurityProbe;
import org.fita.ui.security.TrustChoice;
import org.fita.ui.security.TrustDialog;
import org.fita.ui.security.UiQuestion;
import org.fita.ui.server.LocalServerProbe;
import org.junit.jupiter.api.Test;

/** TLS in the workbench: the TLS switch, the trust prompt and its hand-off from a job, the Local Server's TLS. */
class TlsTest extends WorkbenchFixture {
    private static final CertificateFingerprint SOME_CERTIFICATE = CertificateFingerprint.ofEncoded(new byte[] {1, 2, 3});

    private static Shell shell() {
        return Fita.page().getWorkbenchWindow().getShell();
    }

    /** Asks the trust question from a thread of its own, as a connect job does; the answer lands in the reference. */
    private static AtomicReference<TrustChoice> askFromAJob(Duration timeout, AtomicBoolean cancelled) {
        AtomicReference<TrustChoice> answer = new AtomicReference<>();
        Display display = Display.getCurrent();
        Thread job = new Thread(() -> answer.set(UiQuestion.ask(display, TrustDialog.question(TlsTest::shell,
                "files.example.org", 1400, SOME_CERTIFICATE, Path.of("/home/me/.fita/known_servers")), timeout,
                cancelled::get, TrustChoice.REFUSE)), "connect job");
        job.setDaemon(true);
        job.start();
        return answer;
    }

    @Test
    void theTrustDialogShowsTheServerAndItsFingerprintAndReturnsEachAnswerToTheJob() {
        for (TrustChoice choice : TrustChoice.values()) {
            AtomicReference<SecurityProbe.Shown> shown = SecurityProbe.answerTrust(Display.getCurrent(), choice);
            AtomicReference<TrustChoice> answer = askFromAJob(Duration.ofMinutes(1), new AtomicBoolean());
            Ui.waitUntil("the job has its answer", () -> answer.get() != null, shown::get);
            assertEquals(choice, answer.get());
            assertEquals(List.of(SOME_CERTIFICATE.toString(), SOME_CERTIFICATE.toHex()), shown.get().fields(),
                    "the fingerprint, as fita-server prints it and as openssl does");
            assertFalse(SecurityProbe.isOpen(Display.getCurrent(), TrustDialog.TITLE));
        }
    }

    @Test
    void anUnansweredTrustDialogClosesAtItsDeadlineAndTrustsNothing() {
        AtomicBoolean opened = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE);
        long start = System.nanoTime();
        AtomicReference<TrustChoice> answer = askFromAJob(Duration.ofSeconds(2), new AtomicBoolean());
        Ui.waitUntil("the job gives up", () -> answer.get() != null, () -> "no answer");
        assertTrue(opened.get(), "the dialog was shown");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "the job gave up at its deadline");
        assertEquals(TrustChoice.REFUSE, answer.get());
        Ui.waitUntil("the dialog is closed", () -> !SecurityProbe.isOpen(Display.getCurrent(), TrustDialog.TITLE),
                () -> "still open");
    }

    @Test
    void cancellingTheConnectJobClosesTheTrustDialog() {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean opened = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE);
        Display.getCurrent().timerExec(1000, () -> cancelled.set(true)); // the Cancel of the job's progress
        AtomicReference<TrustChoice> answer = askFromAJob(Duration.ofMinutes(1), cancelled);
        Ui.waitUntil("the job gives up", () -> answer.get() != null, () -> "no answer");
        assertTrue(opened.get(), "the dialog was shown");
        assertEquals(TrustChoice.REFUSE, answer.get());
        Ui.waitUntil("the dialog is closed", () -> !SecurityProbe.isOpen(Display.getCurrent(), TrustDialog.TITLE),
                () -> "still open");
    }

    @Test
    void theTlsSwitchIsRememberedWithRecentConnectionsAndOldLinesLoadAsPlain() throws Exception {
        ServerAddress server = new ServerAddress("files.example.org", 1400);
        RecentConnection tls = new RecentConnection("ann", server, true);
        assertEquals("steps://ann@files.example.org:1400", tls.id());
        assertEquals(tls, RecentConnection.parse(tls.id()).orElseThrow());
        RecentConnection old = RecentConnection.parse("ann@files.example.org:1400").orElseThrow();
        assertFalse(old.tls(), "a line saved before TLS existed is plain");
        assertEquals(tls.account(), old.account(), "one account, one stored password");

        FitaPreferences.remember(old);
        FitaPreferences.remember(tls);
        List<RecentConnection> recent = FitaPreferences.recentConnections();
        assertEquals(tls, recent.get(0));
        assertEquals(1, recent.stream().filter(c -> c.account().equals(tls.account())).count(),
                "the TLS line replaces the plain one of the same account");

        ExplorerProbe explorer = Fita.explorer();
        explorer.view().fill(tls);
        assertTrue(explorer.tls().getSelection(), "a recent TLS connection turns the switch on");
        assertEquals("files.example.org", explorer.host().getText());
        explorer.view().fill(old);
        assertFalse(explorer.tls().getSelection());
        assertFalse(explorer.lock().isVisible(), "no lock while not connected");
    }

    @Test
    void theLocalServerViewHasTlsOptionsAndAFingerprintField() throws Exception {
        LocalServerProbe server = Fita.prepareLocalServer(scratch.resolve("tls-options"), false);
        server.tls().setSelection(false);
        server.tls().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        assertFalse(server.requireTls().isEnabled(), "Require TLS needs TLS");
        Ui.click(server.tls());
        assertTrue(server.requireTls().isEnabled());
        assertTrue((server.fingerprint().getStyle() & org.eclipse.swt.SWT.READ_ONLY) != 0);
        Ui.click(server.tls()); // back off: the other tests start plain servers
    }

    static String clipboardText() {
        Clipboard clipboard = new Clipboard(Display.getCurrent());
        try {
            return (String) clipboard.getContents(TextTransfer.getInstance());
        } finally {
            clipboard.dispose();
        }
    }
}
