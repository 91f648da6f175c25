package org.fita.ui.explorer;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.trust.ServerTrustPrompt;
import org.fita.ui.messages.ClientLog;
import org.fita.ui.security.TrustDialog;
import org.fita.ui.security.UiQuestion;

/**
 * The engine's "unknown server: trust it?" asked in the trust dialog. The engine asks from the
 * connect job, between two connections, so the person may take minutes; after
 * {@link #ANSWER_WITHIN}, or when the job is cancelled, the dialog closes and nothing is trusted.
 */
final class ExplorerTrustPrompt implements ServerTrustPrompt {
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(5);

    private final Display display;
    private final Supplier<Shell> shell;
    private final BooleanSupplier cancelled;
    private final Path knownServers;

    ExplorerTrustPrompt(Display display, Supplier<Shell> shell, BooleanSupplier cancelled, Path knownServers) {
        this.display = display;
        this.shell = shell;
        this.cancelled = cancelled;
        this.knownServers = knownServers;
    }

    @Override
    public Answer ask(ServerAddress server, CertificateFingerprint fingerprint, X509Certificate certificate) {
        ClientLog.status(server, "No authority vouches for the TLS certificate " + fingerprint
                + " and it is not in known_servers: asking whether to trust it.");
        Answer answer = UiQuestion.ask(display, TrustDialog.question(shell, server.host(), server.port(), fingerprint,
                certificate, knownServers), ANSWER_WITHIN, cancelled, null);
        if (answer == null) {
            ClientLog.error(server, "The certificate " + fingerprint + " was not trusted: the question was not answered"
                    + " within " + ANSWER_WITHIN.toMinutes() + " minutes, or the connect was cancelled.");
            return Answer.REFUSE;
        }
        switch (answer) {
            case TRUST_ONCE -> ClientLog.status(server, "Certificate " + fingerprint + " trusted for this session.");
            case TRUST_ALWAYS -> ClientLog.status(server, "Certificate " + fingerprint + " trusted and remembered in "
                    + knownServers + ".");
            case REFUSE -> ClientLog.error(server, "Certificate " + fingerprint + " not trusted: nothing was sent.");
        }
        return answer;
    }
}
