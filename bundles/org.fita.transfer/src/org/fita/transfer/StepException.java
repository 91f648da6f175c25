package org.fita.transfer;

import org.fita.protocol.StepMessage;

/**
 * A failure of a STEP operation, with a message fit to show a person: what went wrong and, where
 * there is one, what to do. Subclasses tell the kinds apart; {@link #status()} is the server's
 * status code when the server refused, else -1.
 */
public class StepException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    public StepException(String message) {
        this(message, -1, null);
    }

    public StepException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /**
     * Whether trying again later, on a new connection and after logging in again, may succeed: a
     * broken or timed-out connection, a refused token, a busy or failing server. Refusals that a
     * retry cannot change (wrong password, no such key, a local file error, a failed verification,
     * a protocol violation, a cancel) are not.
     */
    public boolean isRetryable() {
        if (this instanceof UnknownHostException || this instanceof TlsHandshakeException) {
            return false;
        }
        if (this instanceof ConnectionException || this instanceof TokenRejectedException) {
            return true;
        }
        // 429 too many connections, 500 server failure, 503: the server may be fine in a moment.
        return this instanceof RemoteException && (status == 429 || status == 500 || status == 503);
    }

    /** The exception for a refusing reply, by its status; {@code what} names the operation for the message. */
    public static StepException fromReply(StepMessage reply, String what) {
        int status = reply.status();
        String message = what + ": the server answered " + status + " \"" + reply.statusMessage() + "\"";
        return switch (status) {
            case 401 -> new AuthenticationException(what + " failed: wrong username or password (server: \""
                    + reply.statusMessage() + "\").", status);
            case 403 -> new TokenRejectedException(message + ". Log in again.", status);
            case 402 -> new KeyExistsException(message + ".", status);
            case 404 -> new NotFoundException(message + ".", status);
            default -> new RemoteException(message + ".", status);
        };
    }

    /** The password or username was refused. */
    public static final class AuthenticationException extends StepException {
        private static final long serialVersionUID = 1L;

        public AuthenticationException(String message, int status) {
            super(message, status, null);
        }
    }

    /** The token was refused: expired, revoked or from another server. */
    public static final class TokenRejectedException extends StepException {
        private static final long serialVersionUID = 1L;

        TokenRejectedException(String message, int status) {
            super(message, status, null);
        }
    }

    /** The key already names a finished file (or record). */
    public static final class KeyExistsException extends StepException {
        private static final long serialVersionUID = 1L;

        public KeyExistsException(String message, int status) {
            super(message, status, null);
        }
    }

    /** No such key, or not completely uploaded. */
    public static final class NotFoundException extends StepException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String message, int status) {
            super(message, status, null);
        }
    }

    /** Any other refusal by the server. */
    public static final class RemoteException extends StepException {
        private static final long serialVersionUID = 1L;

        RemoteException(String message, int status) {
            super(message, status, null);
        }
    }

    /** The network failed: refused, reset, timed out or closed. Retrying later may help. */
    public static class ConnectionException extends StepException {
        private static final long serialVersionUID = 1L;

        public ConnectionException(String message, Throwable cause) {
            super(message, -1, cause);
        }
    }

    /** The server's name does not resolve: retrying does not help until the name is fixed. */
    public static final class UnknownHostException extends ConnectionException {
        private static final long serialVersionUID = 1L;

        public UnknownHostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A TLS handshake did not complete: the server does not speak TLS (a classic server waits for
     * more bytes of the ClientHello, or answers with plain STEP), or it offers nothing this client
     * accepts. Trying again does not help. A certificate that is not trusted is a
     * {@code ServerIdentityException} instead.
     */
    public static final class TlsHandshakeException extends ConnectionException {
        private static final long serialVersionUID = 1L;

        /** What happened. */
        public enum Kind {
            /** No handshake reply within the deadline. */
            NO_ANSWER,
            /** The server answered with something other than TLS, or closed the connection. */
            NOT_TLS,
            /** A TLS server, but no common protocol version or cipher suite, or another TLS failure. */
            FAILED
        }

        private final Kind kind;

        public TlsHandshakeException(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /**
     * The server answered, or stopped answering, too slowly: no reply within the reply deadline, or
     * fewer bytes per second than the low-speed limit over its period.
     */
    public static final class TimeoutException extends ConnectionException {
        private static final long serialVersionUID = 1L;

        public TimeoutException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Overwriting needs the old remote file deleted first (the server cannot replace a file in one
     * step), and the caller did not allow that: a person must decide, since a failed upload would
     * then leave neither version. {@link TransferOptions#deleteFirstAllowed()} allows it.
     */
    public static final class DeleteFirstRequiredException extends StepException {
        private static final long serialVersionUID = 1L;

        public DeleteFirstRequiredException(String message) {
            super(message, 402, null);
        }
    }

    /** The transferred bytes do not have the MD5 they should: the result is not trustworthy. */
    public static final class VerificationException extends StepException {
        private static final long serialVersionUID = 1L;

        public VerificationException(String message) {
            super(message, -1, null);
        }
    }

    /** The server has no such feature (a classic server has no LIST, for example). */
    public static final class UnsupportedException extends StepException {
        private static final long serialVersionUID = 1L;

        public UnsupportedException(String message) {
            super(message, -1, null);
        }
    }

    /** A local file could not be read or written. */
    public static final class LocalFileException extends StepException {
        private static final long serialVersionUID = 1L;

        public LocalFileException(String message, Throwable cause) {
            super(message, -1, cause);
        }
    }

    /** The request cannot be made as asked: a key breaking the key rules, a file over the server's limit. */
    public static final class InvalidRequestException extends StepException {
        private static final long serialVersionUID = 1L;

        public InvalidRequestException(String message) {
            super(message, -1, null);
        }
    }

    /** The server broke the protocol (a reply missing what it must carry, a block of the wrong length). */
    public static class ProtocolViolationException extends StepException {
        private static final long serialVersionUID = 1L;

        public ProtocolViolationException(String message) {
            super(message, -1, null);
        }
    }

    /** The peer is not a STEP server at all (an HTTP or SSH server, for example). */
    public static final class NotStepServerException extends ProtocolViolationException {
        private static final long serialVersionUID = 1L;

        public NotStepServerException(String message) {
            super(message);
        }
    }

    /** The transfer was cancelled. */
    public static final class CancelledException extends StepException {
        private static final long serialVersionUID = 1L;

        public CancelledException(String message) {
            super(message, -1, null);
        }
    }
}
