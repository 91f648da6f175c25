package org.fita.ui.server;

import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/** The Local Server view's widgets, for the tests in other packages. */
public record LocalServerProbe(LocalServerView view) {
    public Text port() {
        return view.portText;
    }

    public Text root() {
        return view.rootText;
    }

    public Combo auth() {
        return view.authCombo;
    }

    public Button tls() {
        return view.tlsCheck;
    }

    public Button requireTls() {
        return view.requireTlsCheck;
    }

    /** The read-only fingerprint field. */
    public Text fingerprint() {
        return view.fingerprint.text;
    }

    public Button copyFingerprint() {
        return view.fingerprint.copy;
    }

    public Button start() {
        return view.startButton;
    }

    public Button stop() {
        return view.stopButton;
    }

    public Label status() {
        return view.statusLabel;
    }

    public int connectionRows() {
        return view.connectionsViewer.getTable().getItemCount();
    }

    public int requestRows() {
        return view.requestsViewer.getTable().getItemCount();
    }

    public String log() {
        return view.logText.getText();
    }
}
