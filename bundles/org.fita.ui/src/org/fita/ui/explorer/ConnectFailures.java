package org.fita.ui.explorer;

import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.TlsHandshakeException;
import org.fita.transfer.trust.ServerIdentityException;

/** Why a connect failed, in words for the status line and the Messages view: what happened and what to do. */
final class ConnectFailures {
    private ConnectFailures() {
    }

    static String identity(ServerIdentityException e) {
        ServerAddress where = e.server();
        String offered = e.fingerprint().map(f -> " (" + f + ")").orElse("");
        return switch (e.reason()) {
            case CHANGED -> "Not connected: the certificate of " + where + offered + " is not the one remembered for it. "
                    + "Nothing was sent. See the dialog for what it may mean and what to do.";
            case REFUSED_BY_USER -> "Not connected: the certificate of " + where + offered + " was not trusted. "
                    + "Nothing was sent.";
            case UNKNOWN -> "Not connected: no authority vouches for the certificate of " + where + offered
                    + ", and it was not confirmed. Nothing was sent. Connect again to be asked.";
            case PIN_MISMATCH -> "Not connected: the certificate of " + where + offered + " is not the expected one"
                    + e.expectedFingerprint().map(f -> " (" + f + ")").orElse("") + ". Nothing was sent.";
            case HOST_MISMATCH -> "Not connected: the certificate of " + where + " is issued for another host name. "
                    + "Connect with the name it was issued for. Nothing was sent.";
            case TLS_REQUIRED -> "Not connected: " + where + " is not this computer, and Preferences > FiTA requires TLS "
                    + "for such servers. Tick TLS (the server must serve TLS), or turn the preference off.";
        };
    }

    static String other(StepException e, ServerAddress address) {
        if (e instanceof TlsHandshakeException handshake) {
            return switch (handshake.kind()) {
                case NO_ANSWER, NOT_TLS -> "Not connected: " + address + " did not answer a TLS handshake, so it "
                        + "probably does not serve TLS on this port (a classic STEP server cannot). Untick TLS to connect "
                        + "without encryption, or ask its operator to start it with --tls.";
                case FAILED -> e.getMessage();
            };
        }
        if (e.status() == org.fita.protocol.Status.TLS_REQUIRED.code()) {
            return "Not connected: " + address + " accepts only TLS. TLS is now ticked: press Connect again.";
        }
        return e.getMessage();
    }
}
