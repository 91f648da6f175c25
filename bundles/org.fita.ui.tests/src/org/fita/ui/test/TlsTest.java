package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
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
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.server.auth.AuthMode;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.trust.ServerTrustPrompt.Answer;
import org.fita.ui.explorer.ExplorerProbe;
import org.fita.ui.messages.ClientLog;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.preferences.RecentConnection;
import org.fita.ui.security.SecurityProbe;
import org.fita.ui.security.TrustDialog;
import org.fita.ui.security.UiQuestion;
import org.fita.ui.server.LocalServerProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TLS in the workbench: the TLS switch, the trust prompt and its hand-off from a job, the Local Server's TLS. */
class TlsTest extends WorkbenchFixture {
    private static final CertificateFingerprint SOME_CERTIFICATE = CertificateFingerprint.ofEncoded(new byte[] {1, 2, 3});

    private static Shell shell() {
        return Fita.page().getWorkbenchWindow().getShell();
    }

    /** Asks the trust question from a thread of its own, as a connect job does; the answer lands in the reference. */
    private static AtomicReference<Answer> askFromAJob(Duration timeout, AtomicBoolean cancelled) {
        AtomicReference<Answer> answer = new AtomicReference<>();
        Display display = Display.getCurrent();
        Thread job = new Thread(() -> answer.set(UiQuestion.ask(display, TrustDialog.question(TlsTest::shell,
                "files.example.org", 1400, SOME_CERTIFICATE, null, Path.of("/home/me/.fita/known_servers")), timeout,
                cancelled::get, Answer.REFUSE)), "connect job");
        job.setDaemon(true);
        job.start();
        return answer;
    }

    @Test
    void theTrustDialogShowsTheServerAndItsFingerprintAndReturnsEachAnswerToTheJob() {
        for (Answer choice : Answer.values()) {
            AtomicReference<SecurityProbe.Shown> shown = SecurityProbe.answerTrust(Display.getCurrent(), choice);
            AtomicReference<Answer> answer = askFromAJob(Duration.ofMinutes(1), new AtomicBoolean());
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
        AtomicReference<Answer> answer = askFromAJob(Duration.ofSeconds(4), new AtomicBoolean());
        Ui.waitUntil("the job gives up", () -> answer.get() != null, () -> "no answer");
        assertTrue(opened.get(), "the dialog was shown");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the job gave up at its deadline");
        assertEquals(Answer.REFUSE, answer.get());
        Ui.waitUntil("the dialog is closed", () -> !SecurityProbe.isOpen(Display.getCurrent(), TrustDialog.TITLE),
                () -> "still open");
    }

    @Test
    void cancellingTheConnectJobClosesTheTrustDialog() {
        AtomicBoolean cancelled = new AtomicBoolean();
        // The Cancel of the job's progress, pressed while the dialog is open.
        AtomicBoolean opened = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE, () -> cancelled.set(true));
        AtomicReference<Answer> answer = askFromAJob(Duration.ofMinutes(1), cancelled);
        Ui.waitUntil("the job gives up", () -> answer.get() != null, () -> "no answer");
        assertTrue(opened.get(), "the dialog was shown");
        assertEquals(Answer.REFUSE, answer.get());
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
        assertFalse(server.tls().getSelection(), "plain unless asked");
        assertFalse(server.requireTls().isEnabled(), "Require TLS needs TLS");
        Ui.click(server.tls());
        assertTrue(server.requireTls().isEnabled());
        assertTrue((server.fingerprint().getStyle() & org.eclipse.swt.SWT.READ_ONLY) != 0);
    }

    // --- Against real TLS servers on 127.0.0.1 ---

    private StepServer server;

    @AfterEach
    void stopTheServer() {
        if (server != null) {
            server.close();
        }
        FitaPreferences.store().setToDefault(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL);
    }

    /** A FiTA server with TLS beside plain STEP and a self-signed certificate made under {@code root}. */
    private static StepServer tlsServer(Path root, int port) throws IOException {
        return StepServer.start(ServerConfig.builder().host("127.0.0.1").port(port).root(root)
                .authMode(AuthMode.CLASSIC).tls(true).logToConsole(false).build());
    }

    private static CertificateFingerprint fingerprintOf(StepServer s) {
        return s.tls().orElseThrow().fingerprint();
    }

    /** known_servers of the FiTA home the tests run with: under the build's own home folder, never the user's. */
    private static Path knownServers() {
        Path file = Path.of(System.getProperty("user.home"), ".fita", "known_servers");
        assertTrue(file.toString().contains("/target/home-"), "the tests keep their FiTA home under target/: " + file);
        return file;
    }

    private static String knownServersText() throws IOException {
        return Files.exists(knownServers()) ? Files.readString(knownServers()) : "";
    }

    /** Fills the connection bar with {@code port} on 127.0.0.1, TLS as given, and presses Connect. */
    private static ExplorerProbe pressConnect(int port, boolean tls) throws Exception {
        ExplorerProbe explorer = Fita.explorer();
        Ui.waitUntil("Connect can be pressed", () -> explorer.connect().isEnabled(), () -> explorer.status().getText());
        explorer.host().setText("127.0.0.1");
        explorer.port().setText(String.valueOf(port));
        explorer.user().setText("tester");
        explorer.password().setText("");
        explorer.tls().setSelection(tls);
        Ui.click(explorer.connect());
        return explorer;
    }

    private static void waitConnected(ExplorerProbe explorer, int port) {
        Ui.waitUntil("the explorer is connected", () -> explorer.status().getText().startsWith("Connected to 127.0.0.1:"
                + port), () -> explorer.status().getText());
    }

    private static void waitRefused(ExplorerProbe explorer) {
        Ui.waitUntil("the connect ends", () -> explorer.connect().isEnabled()
                && explorer.status().getText().startsWith("Not connected"), () -> explorer.status().getText());
    }

    @Test
    void cancelInTheTrustDialogSendsNothingAndRemembersNothing() throws Exception {
        server = tlsServer(scratch.resolve("tls-cancel"), 0);
        AtomicReference<SecurityProbe.Shown> shown = SecurityProbe.answerTrust(Display.getCurrent(), Answer.REFUSE);
        ExplorerProbe explorer = pressConnect(server.port(), true);
        waitRefused(explorer);
        assertEquals(fingerprintOf(server).toString(), shown.get().fields().get(0), "the dialog showed the fingerprint");
        assertTrue(explorer.status().getText().contains("was not trusted"), explorer.status().getText());
        assertFalse(explorer.connected());
        assertFalse(explorer.lock().isVisible());
        assertEquals(0, server.requestsServed(), "not even LOGIN was sent");
        assertFalse(knownServersText().contains("127.0.0.1:" + server.port() + " "));
    }

    @Test
    void trustOnceConnectsWithTheLockAndRemembersNothing() throws Exception {
        server = tlsServer(scratch.resolve("tls-once"), 0);
        SecurityProbe.answerTrust(Display.getCurrent(), Answer.TRUST_ONCE);
        ExplorerProbe explorer = Fita.explorer();
        Ui.waitUntil("Connect can be pressed", () -> explorer.connect().isEnabled(), () -> explorer.status().getText());
        explorer.tls().setSelection(false);
        explorer.port().setText("1");
        explorer.host().setText("steps://tester@127.0.0.1:" + server.port()); // as fita takes it, pasted
        Ui.click(explorer.connect());
        assertEquals("127.0.0.1", explorer.host().getText());
        assertEquals(String.valueOf(server.port()), explorer.port().getText());
        assertTrue(explorer.tls().getSelection(), "steps:// ticks TLS");
        waitConnected(explorer, server.port());
        assertTrue(explorer.lock().isVisible(), "the lock shows while connected over TLS");
        String tooltip = explorer.lock().getToolTipText();
        assertTrue(tooltip.contains(fingerprintOf(server).toString()) && tooltip.contains("TLS"), tooltip);
        assertTrue(tooltip.contains("for this session"), tooltip);
        assertFalse(knownServersText().contains("127.0.0.1:" + server.port() + " "), "Trust once writes nothing");
        assertTrue(ClientLog.messages().stream().anyMatch(m -> m.text().startsWith("TLS: TLSv1.")
                && m.text().contains(fingerprintOf(server).toString())), "the Messages view names protocol, cipher"
                        + " and fingerprint");
        assertEquals(RecentConnection.TLS_SCHEME + "tester@127.0.0.1:" + server.port(),
                FitaPreferences.recentConnections().get(0).id(), "remembered as a TLS connection");
    }

    @Test
    void alwaysTrustWritesKnownServersThenAChangedCertificateIsRefusedLoudly() throws Exception {
        Path root = scratch.resolve("tls-always");
        server = tlsServer(root, 0);
        int port = server.port();
        CertificateFingerprint first = fingerprintOf(server);
        SecurityProbe.answerTrust(Display.getCurrent(), Answer.TRUST_ALWAYS);
        ExplorerProbe explorer = pressConnect(port, true);
        waitConnected(explorer, port);
        assertTrue(explorer.lock().isVisible());
        assertTrue(knownServersText().contains("127.0.0.1:" + port + " " + first), knownServersText());

        // Asked no more: the next connect, even with the switch off, goes over TLS without a question.
        AtomicBoolean asked = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE);
        explorer = pressConnect(port, false);
        ExplorerProbe again = explorer;
        Ui.waitUntil("the explorer connects again", () -> again.connect().isEnabled() && again.connected()
                && again.status().getText().contains("over TLS"), () -> again.status().getText());
        assertFalse(asked.get(), "no trust question for a remembered server");
        assertTrue(explorer.lock().isVisible());

        // The same address with another certificate (a new storage root makes a new one).
        server.close();
        server = tlsServer(scratch.resolve("tls-always-impostor"), port);
        CertificateFingerprint second = fingerprintOf(server);
        AtomicReference<SecurityProbe.Shown> refusal = SecurityProbe.closeCertificateChanged(Display.getCurrent());
        explorer = pressConnect(port, true);
        ExplorerProbe third = explorer;
        Ui.waitUntil("the refusal dialog was shown and closed", () -> refusal.get() != null, () -> third.status().getText());
        waitRefused(explorer);
        assertEquals(first.toString(), refusal.get().fields().get(0), "the remembered fingerprint");
        assertEquals(second.toString(), refusal.get().fields().get(1), "the offered fingerprint");
        assertTrue(refusal.get().fields().get(2).startsWith("127.0.0.1:" + port + " " + first),
                "the known_servers line to remove: " + refusal.get().fields().get(2));
        assertFalse(explorer.connected());
        assertFalse(explorer.lock().isVisible(), "no lock once the session is gone");
        assertEquals(0, server.requestsServed(), "nothing was sent to the changed server, not even LOGIN");
        assertTrue(knownServersText().contains("127.0.0.1:" + port + " " + first), "the remembered line stays");
    }

    @Test
    void theLocalServerOverTlsShowsItsFingerprintAndConnectsWithoutAQuestion() throws Exception {
        LocalServerProbe view = Fita.prepareLocalServer(scratch.resolve("tls-local"), false);
        Ui.click(view.tls()); // prepareLocalServer leaves it off
        Ui.click(view.start());
        Ui.waitUntil("the server is ready", () -> view.status().getText().startsWith("Server is ready on 127.0.0.1:"),
                () -> view.status().getText());
        CertificateFingerprint own = Fita.runner().status().fingerprint().orElseThrow();
        Ui.waitUntil("the fingerprint is shown", () -> view.fingerprint().getText().equals(own.toString()),
                () -> view.fingerprint().getText());
        assertTrue(view.status().getText().endsWith(", TLS too"), view.status().getText());
        Ui.click(view.copyFingerprint());
        assertEquals(own.toString(), clipboardText(), "Copy puts the fingerprint on the clipboard");

        AtomicBoolean asked = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE);
        ExplorerProbe explorer = Fita.connectToLocalServer("tester", "");
        assertTrue(explorer.tls().getSelection(), "Local server ticks TLS when the local server serves it");
        int port = Fita.runner().status().address().getPort();
        Ui.waitUntil("the explorer is connected", () -> explorer.status().getText().startsWith("Connected to 127.0.0.1:"
                + port), () -> explorer.status().getText());
        assertFalse(asked.get(), "the local server's own certificate needs no question");
        assertTrue(explorer.status().getText().contains("over TLS"), explorer.status().getText());
        assertTrue(explorer.lock().isVisible(), "the lock shows");
        assertTrue(explorer.lock().getToolTipText().contains(own.toString()), explorer.lock().getToolTipText());
        assertEquals(own, explorer.session().tls().orElseThrow().fingerprint());
        Ui.settle();
        assertEquals(RecentConnection.TLS_SCHEME + "tester@127.0.0.1:" + port,
                FitaPreferences.recentConnections().get(0).id());
        assertFalse(knownServersText().contains("127.0.0.1:" + port + " "), "the local server's certificate is not "
                + "written to known_servers: a new storage root must not look like an attack");
    }

    @Test
    void aLocalServerRequiringTlsRefusesAPlainLoginAndTheSwitchIsTickedForTheNextConnect() throws Exception {
        LocalServerProbe view = Fita.prepareLocalServer(scratch.resolve("tls-required"), false);
        Ui.click(view.tls());
        Ui.click(view.requireTls());
        Ui.click(view.start());
        Ui.waitUntil("the server is ready", () -> view.status().getText().startsWith("Server is ready on 127.0.0.1:"),
                () -> view.status().getText());
        assertTrue(view.status().getText().endsWith(", TLS only"), view.status().getText());
        int port = Fita.runner().status().address().getPort();

        AtomicBoolean asked = SecurityProbe.seenOpen(Display.getCurrent(), TrustDialog.TITLE);
        ExplorerProbe explorer = pressConnect(port, false); // typed by hand, plain
        waitRefused(explorer);
        assertTrue(explorer.status().getText().contains("TLS"), explorer.status().getText());
        assertTrue(explorer.tls().getSelection(), "the refusal ticks TLS for the next Connect");
        Ui.click(explorer.connect());
        waitConnected(explorer, port);
        assertTrue(explorer.lock().isVisible());
        assertFalse(asked.get(), "its own certificate needs no question, typed by hand or not");
    }

    @Test
    void tlsAgainstAPlainServerFailsWithAClearMessage() throws Exception {
        server = StepServer.start(ServerConfig.builder().host("127.0.0.1").port(0).root(scratch.resolve("plain"))
                .authMode(AuthMode.CLASSIC).logToConsole(false).build());
        long start = System.nanoTime();
        ExplorerProbe explorer = pressConnect(server.port(), true);
        waitRefused(explorer);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "within 30 s");
        assertTrue(explorer.status().getText().contains("does not serve TLS"), explorer.status().getText());
        assertFalse(explorer.lock().isVisible());
    }

    @Test
    void thePreferenceRequiringTlsRefusesPlainConnectionsToOtherComputers() throws Exception {
        FitaPreferences.store().setValue(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL, true);
        ExplorerProbe explorer = Fita.explorer();
        Ui.waitUntil("Connect can be pressed", () -> explorer.connect().isEnabled(), () -> explorer.status().getText());
        explorer.host().setText("192.0.2.1"); // TEST-NET-1: never reached, the refusal comes first
        explorer.port().setText("1379");
        explorer.tls().setSelection(false);
        Ui.click(explorer.connect());
        waitRefused(explorer);
        assertTrue(explorer.status().getText().contains("requires TLS"), explorer.status().getText());
        // This computer stays allowed.
        server = StepServer.start(ServerConfig.builder().host("127.0.0.1").port(0).root(scratch.resolve("plain-local"))
                .authMode(AuthMode.CLASSIC).logToConsole(false).build());
        waitConnected(pressConnect(server.port(), false), server.port());
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
