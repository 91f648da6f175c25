package org.fita.cli;

import java.util.List;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.AuthenticationException;
import org.fita.transfer.StepException.CancelledException;
import org.fita.transfer.StepException.ConnectionException;
import org.fita.transfer.StepException.InvalidRequestException;
import org.fita.transfer.StepException.KeyExistsException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException.NotFoundException;
import org.fita.transfer.StepException.ProtocolViolationException;
import org.fita.transfer.StepException.RemoteException;
import org.fita.transfer.StepException.TokenRejectedException;
import org.fita.transfer.StepException.UnsupportedException;
import org.fita.transfer.StepException.VerificationException;
import org.fita.transfer.trust.ServerIdentityException;

/** Process exit codes shared by the FiTA commands; scripts rely on them, so they never change. */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** The command was understood but failed: port in use, user exists, a failure no other code names. */
    public static final int FAILURE = 1;
    /** The command line itself is wrong: unknown option, bad value, missing argument. */
    public static final int USAGE = 2;
    /** The server refused the user name or password, or the token. */
    public static final int AUTHENTICATION = 3;
    /** The server could not be reached, or the connection broke. */
    public static final int NETWORK = 4;
    /** The bytes on both sides do not have the same MD5. */
    public static final int VERIFICATION = 5;
    /**
     * The request was refused: no such key, the key exists (also when --overwrite would have to delete
     * it first and was not allowed to), or another refusal.
     */
    public static final int REFUSED = 6;
    /** The server lacks the feature, such as listing on a classic server. */
    public static final int UNSUPPORTED = 7;
    /** A local file or folder could not be read or written. */
    public static final int LOCAL_FILE = 8;
    /**
     * The server's identity could not be verified: an unknown TLS certificate with nobody to ask, a
     * changed one, one refused at the prompt, one for another host. Nothing was sent to the server.
     */
    public static final int IDENTITY = 9;
    /** Cancelled by Ctrl-C (128 + SIGINT, as shells report it). */
    public static final int CANCELLED = 130;
    /** Cancelled by SIGTERM (128 + SIGTERM): the JVM exits with it, so the client's reports say it too. */
    public static final int TERMINATED = 143;

    /** The codes of the {@code fita} client with their meaning, for its usage help. */
    public static final List<String> CLIENT_HELP = List.of(
            "Exit codes:",
            String.format("  %3d  done", OK),
            String.format("  %3d  another failure", FAILURE),
            String.format("  %3d  bad command line", USAGE),
            String.format("  %3d  login refused: user name, password or token", AUTHENTICATION),
            String.format("  %3d  server unreachable, the connection broke, or the server broke the protocol", NETWORK),
            String.format("  %3d  verification failed: the MD5 of the two sides differ", VERIFICATION),
            String.format("  %3d  refused: no such key, the key exists, a key or size the server does not take, or another reason", REFUSED),
            String.format("  %3d  not supported by the server (list on a classic server)", UNSUPPORTED),
            String.format("  %3d  local file error", LOCAL_FILE),
            String.format("  %3d  server identity not verified: unknown or changed TLS certificate (nothing was sent)", IDENTITY),
            String.format("  %3d  cancelled by Ctrl-C (SIGINT)", CANCELLED),
            String.format("  %3d  cancelled by SIGTERM", TERMINATED),
            "With several files or keys, the code of the first failure.");

    /** The exit code that tells scripts what kind of failure {@code e} is. */
    public static int of(StepException e) {
        if (e instanceof ServerIdentityException) {
            return IDENTITY;
        }
        if (e instanceof AuthenticationException || e instanceof TokenRejectedException) {
            return AUTHENTICATION;
        }
        if (e instanceof ConnectionException || e instanceof ProtocolViolationException) {
            return NETWORK;
        }
        if (e instanceof VerificationException) {
            return VERIFICATION;
        }
        if (e instanceof NotFoundException || e instanceof KeyExistsException || e instanceof RemoteException
                || e instanceof InvalidRequestException || e instanceof StepException.DeleteFirstRequiredException) {
            return REFUSED;
        }
        if (e instanceof UnsupportedException) {
            return UNSUPPORTED;
        }
        if (e instanceof LocalFileException) {
            return LOCAL_FILE;
        }
        if (e instanceof CancelledException) {
            return CANCELLED;
        }
        return FAILURE;
    }
}
