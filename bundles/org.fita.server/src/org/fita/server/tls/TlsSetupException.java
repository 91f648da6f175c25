package org.fita.server.tls;

import java.io.IOException;

/**
 * The server's TLS identity could not be set up; {@link #problem()} says which way, the message
 * names the file and the fix.
 */
public final class TlsSetupException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Problem {
        /** A certificate or key file does not exist. */
        FILE_MISSING,
        /** A file exists but cannot be read. */
        FILE_UNREADABLE,
        /** A file is not PEM, or a PEM block in it is damaged. */
        MALFORMED,
        /** The certificate file holds no certificate. */
        NO_CERTIFICATE,
        /** The key file holds no private key, or more than one. */
        NO_KEY,
        /** The private key is encrypted with a passphrase. */
        ENCRYPTED_KEY,
        /** The private key is not the key of the certificate. */
        KEY_MISMATCH,
        /** The key's algorithm cannot be used here. */
        UNSUPPORTED_KEY,
        /** The self-signed certificate could not be made or stored. */
        GENERATION_FAILED,
    }

    private final Problem problem;

    public TlsSetupException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public TlsSetupException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
