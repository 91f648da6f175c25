package org.fita.ui.security;

import java.nio.file.Path;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.fita.protocol.CertificateFingerprint;
import org.fita.protocol.Untrusted;
import org.fita.transfer.ServerAddress;

/**
 * The loud refusal: a server remembered in known_servers offered a different certificate. Shows
 * both fingerprints, what it may mean, and the one way to accept the new certificate (remove the
 * remembered line once the operator has confirmed the new fingerprint). There is no "connect
 * anyway" button on purpose.
 */
public final class CertificateChangedDialog extends Dialog {
    public static final String TITLE = "Server certificate changed: not connected";
    private static final int WIDTH = 560;

    private final String host;
    private final int port;
    private final CertificateFingerprint remembered;
    private final CertificateFingerprint offered;
    private final Path knownServers;
    private final String knownServersLine;
    FingerprintField rememberedField;
    FingerprintField offeredField;
    FingerprintField lineField;

    /**
     * @param knownServersLine the line of {@code knownServers} that remembers the old certificate
     */
    public CertificateChangedDialog(Shell parent, String host, int port, CertificateFingerprint remembered,
            CertificateFingerprint offered, Path knownServers, String knownServersLine) {
        super(parent);
        this.host = host;
        this.port = port;
        this.remembered = remembered;
        this.offered = offered;
        this.knownServers = knownServers;
        this.knownServersLine = knownServersLine;
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
        GridLayoutFactory.swtDefaults().numColumns(2).margins(12, 12).spacing(12, 6).applyTo(area);
        Label icon = new Label(area, SWT.NONE);
        icon.setImage(getShell().getDisplay().getSystemImage(SWT.ICON_ERROR));
        GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).span(1, 8).applyTo(icon);
        String where = Untrusted.visible(host) + ":" + port;
        Label headline = wrapped(area, "The certificate of " + where + " is not the one FiTA remembers for it. "
                + "FiTA did not connect and sent nothing, not even your user name or password.");
        headline.setFont(JFaceResources.getBannerFont());
        wrapped(area, "Remembered:");
        rememberedField = new FingerprintField(area, remembered.toString(), "The fingerprint kept in " + knownServers);
        wrapped(area, "Offered now:");
        offeredField = new FingerprintField(area, offered.toString(), "The fingerprint of the certificate offered now");
        wrapped(area, "Someone between you and the server may be intercepting the connection to read your password "
                + "and files. Or the server's operator replaced its certificate (a new certificate, a reinstalled "
                + "server or a new storage root).");
        wrapped(area, "Ask the operator for the server's fingerprint by another way than this connection (in person, "
                + "by phone). Only if it is the one offered now, remove this line from " + knownServers
                + " (fita known-servers --remove " + Untrusted.visible(new ServerAddress(host, port).toString())
                + " does it) and connect again; FiTA will then ask you to trust the new certificate:");
        lineField = new FingerprintField(area, knownServersLine, "The line to remove from " + knownServers, WIDTH - 80);
        return area;
    }

    private static Label wrapped(Composite parent, String text) {
        Label label = new Label(parent, SWT.WRAP);
        label.setText(text);
        GridDataFactory.fillDefaults().grab(true, false).hint(WIDTH, SWT.DEFAULT).applyTo(label);
        return label;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.CLOSE_ID, IDialogConstants.CLOSE_LABEL, true);
    }

    @Override
    protected void buttonPressed(int buttonId) {
        setReturnCode(buttonId);
        close();
    }
}
