package org.fita.ui.security;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.fita.protocol.CertificateFingerprint;
import org.fita.protocol.Untrusted;
import org.fita.transfer.trust.ServerTrustPrompt.Answer;

/**
 * First contact with a TLS server whose certificate no authority vouches for: shows where the
 * connection goes and the certificate's fingerprint, to compare with the one its operator gives,
 * and asks Trust once / Always trust / Cancel. Cancel is the default: Enter alone trusts nothing.
 */
public final class TrustDialog extends Dialog {
    public static final String TITLE = "Unknown server certificate";
    public static final String TRUST_ONCE = "Trust once";
    public static final String ALWAYS_TRUST = "Always trust";
    static final int ONCE_ID = IDialogConstants.CLIENT_ID + 1;
    static final int ALWAYS_ID = IDialogConstants.CLIENT_ID + 2;
    private static final int WIDTH = 540;

    private final String host;
    private final int port;
    private final CertificateFingerprint fingerprint;
    private final X509Certificate certificate;
    private final Path knownServers;
    private Answer choice = Answer.REFUSE;
    FingerprintField fingerprintField;
    FingerprintField hexField;

    /**
     * @param certificate  the server's certificate, for its subject and validity; null to leave them out
     * @param knownServers where Always trust keeps the fingerprint, named so that the user knows
     */
    public TrustDialog(Shell parent, String host, int port, CertificateFingerprint fingerprint,
            X509Certificate certificate, Path knownServers) {
        super(parent);
        this.host = host;
        this.port = port;
        this.fingerprint = fingerprint;
        this.certificate = certificate;
        this.knownServers = knownServers;
    }

    /** The dialog as a {@link UiQuestion}; the parent shell is looked up on the UI thread when it opens. */
    public static UiQuestion.Question<Answer> question(Supplier<Shell> parent, String host, int port,
            CertificateFingerprint fingerprint, X509Certificate certificate, Path knownServers) {
        return new UiQuestion.Question<>() {
            private TrustDialog dialog;

            @Override
            public Answer open() {
                dialog = new TrustDialog(parent.get(), host, port, fingerprint, certificate, knownServers);
                dialog.open();
                return dialog.choice();
            }

            @Override
            public void close() {
                if (dialog != null) {
                    dialog.close();
                }
            }
        };
    }

    public Answer choice() {
        return choice;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(TITLE);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        GridLayoutFactory.swtDefaults().numColumns(2).margins(12, 12).spacing(12, 8).applyTo(area);
        Label icon = new Label(area, SWT.NONE);
        icon.setImage(getShell().getDisplay().getSystemImage(SWT.ICON_WARNING));
        GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).span(1, certificate == null ? 5 : 6)
                .applyTo(icon);
        String where = Untrusted.visible(host) + ":" + port;
        wrapped(area, "FiTA has not connected to " + where + " over TLS before, and no certificate authority "
                + "this computer trusts vouches for its certificate. Anyone between you and the server could "
                + "have put their own certificate here.");
        wrapped(area, "Compare this fingerprint with the one the server's operator gives you (fita-server prints it "
                + "when it starts; the Local Server view shows it):");
        fingerprintField = new FingerprintField(area, fingerprint.toString(),
                "The certificate's SHA-256 fingerprint, as fita-server and fita print it");
        hexField = new FingerprintField(area, fingerprint.toHex(),
                "The same fingerprint in hex, as openssl x509 -noout -fingerprint -sha256 prints it", WIDTH - 120);
        if (certificate != null) {
            // What the certificate says of itself: anyone can write it, so it is no proof, but a wrong name is a hint.
            wrapped(area, "The certificate names itself \"" + Untrusted.visible(certificate.getSubjectX500Principal()
                    .getName()) + "\" and is valid until " + DateTimeFormatter.ISO_LOCAL_DATE.format(
                            certificate.getNotAfter().toInstant().atZone(ZoneId.systemDefault())) + ".");
        }
        wrapped(area, TRUST_ONCE + " connects this time only. " + ALWAYS_TRUST + " also remembers the "
                + "fingerprint for " + where + " in " + knownServers + ", so that FiTA refuses a different "
                + "certificate later. Cancel sends nothing, not even your user name.");
        return area;
    }

    private static void wrapped(Composite parent, String text) {
        Label label = new Label(parent, SWT.WRAP);
        label.setText(text);
        GridDataFactory.fillDefaults().grab(true, false).hint(WIDTH, SWT.DEFAULT).applyTo(label);
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, ONCE_ID, TRUST_ONCE, false);
        createButton(parent, ALWAYS_ID, ALWAYS_TRUST, false);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, true);
    }

    @Override
    protected void buttonPressed(int buttonId) {
        choice = buttonId == ONCE_ID ? Answer.TRUST_ONCE : buttonId == ALWAYS_ID ? Answer.TRUST_ALWAYS : Answer.REFUSE;
        setReturnCode(buttonId);
        close();
    }
}
