package org.fita.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.AuthenticationException;
import org.fita.transfer.StepException.KeyExistsException;
import org.fita.transfer.StepException.NotFoundException;
import org.fita.transfer.StepException.TokenRejectedException;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferResult;
import org.fita.transfer.trust.ServerIdentityException;

/**
 * What a {@code fita} command tells: results on standard output, as sentences and tables or as JSON
 * (one object per result, a listing as one array); messages and errors on standard error; the
 * progress bar. It also keeps the exit code: that of the first failure. Everything it prints passes
 * through {@link TerminalText}, as keys, MD5s and messages may come from a hostile server.
 */
final class ClientOutput {
    /** Made on first use, by list alone: a formatter and the time zone cost a cold JVM tens of milliseconds. */
    private static final class ListTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(ZoneId.systemDefault());
    }

    private final String command;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean quiet;
    private final boolean progressBar;
    private final boolean interactive;
    /** 130 after Ctrl-C, 143 after SIGTERM: what the process itself will exit with. */
    private final IntSupplier cancelledExitCode;
    private int exitCode = ExitCodes.OK;

    ClientOutput(String command, PrintWriter out, PrintWriter err, boolean json, boolean quiet, boolean terminal,
            IntSupplier cancelledExitCode) {
        this.command = command;
        this.out = out;
        this.err = err;
        this.json = json;
        this.quiet = quiet;
        this.progressBar = terminal && !json && !quiet;
        this.interactive = terminal && !json;
        this.cancelledExitCode = cancelledExitCode;
    }

    /** One unit of work of a command: a file to upload, a key to delete. */
    @FunctionalInterface
    interface Item {
        void run() throws StepException;
    }

    /**
     * Runs {@code item} and reports its failure. Returns whether the command should go on with its
     * next item: yes after a failure of this item alone (no such key, a local file), no when the
     * login, the connection or the user ended the session.
     */
    boolean attempt(String operation, String key, Path path, Item item) {
        try {
            item.run();
            return true;
        } catch (StepException e) {
            failed(operation, key, path, e);
            int code = ExitCodes.of(e);
            return code != ExitCodes.AUTHENTICATION && code != ExitCodes.NETWORK && code != ExitCodes.CANCELLED
                    && code != ExitCodes.IDENTITY;
        }
    }

    /** The exit code of {@code e}; a cancellation's is that of the signal that caused it. */
    int exitCodeOf(StepException e) {
        int code = ExitCodes.of(e);
        return code == ExitCodes.CANCELLED ? cancelledExitCode.getAsInt() : code;
    }

    static String operation(Direction direction) {
        return direction == Direction.UPLOAD ? "upload" : "download";
    }

    /** Whether a question may be asked: a terminal, and no JSON that a program reads. */
    boolean interactive() {
        return interactive;
    }

    TransferListener progress() {
        return progressBar ? new ProgressBar(err) : TransferListener.NONE;
    }

    void transferred(Direction direction, TransferResult result) {
        double seconds = result.elapsed().toNanos() / 1e9;
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("operation", operation(direction));
            o.addProperty("key", result.key());
            o.addProperty("path", result.localPath().toAbsolutePath().toString());
            o.addProperty("size", result.size());
            o.addProperty("md5", result.md5());
            o.addProperty("moved", result.moved());
            o.addProperty("seconds", Math.round(seconds * 1000) / 1000.0);
            o.addProperty("status", "verified");
            printJson(o);
        } else if (!quiet) {
            String speed = seconds > 0 ? ByteSizes.human((long) (result.moved() / seconds)) + "/s" : "-";
            String what = direction == Direction.UPLOAD
                    ? "Uploaded " + result.localPath() + " as \"" + result.key() + "\""
                    : "Downloaded \"" + result.key() + "\" to " + result.localPath();
            String resumed = result.moved() >= result.size() ? ""
                    : direction == Direction.UPLOAD
                            ? " Resumed: " + ByteSizes.human(result.moved()) + " sent; the server held the rest."
                            : " Resumed: " + ByteSizes.human(result.moved()) + " received; the rest was in the .part file.";
            println(out, what + ": " + ByteSizes.human(result.size()) + " in " + ByteSizes.oneDecimal(seconds) + " s ("
                    + speed + "), MD5 " + result.md5() + " verified." + resumed);
        }
        out.flush();
    }

    /** The destination already held the same bytes (size and MD5 compared): nothing was moved. */
    void identical(Direction direction, String key, Path path, long size, String md5) {
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("operation", operation(direction));
            o.addProperty("key", key);
            o.addProperty("path", path.toAbsolutePath().toString());
            o.addProperty("size", size);
            o.addProperty("md5", md5);
            o.addProperty("moved", 0);
            o.addProperty("seconds", 0.0);
            o.addProperty("status", "identical");
            printJson(o);
        } else if (!quiet) {
            String where = direction == Direction.UPLOAD ? "\"" + key + "\" is already on the server"
                    : "\"" + key + "\" is already there: " + path;
            println(out, where + " with the same size and MD5 " + md5 + "; nothing was moved.");
        }
        out.flush();
    }

    void deleted(String key) {
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("operation", "delete");
            o.addProperty("key", key);
            o.addProperty("status", "deleted");
            printJson(o);
        } else if (!quiet) {
            println(out, "Deleted \"" + key + "\".");
        }
        out.flush();
    }

    /** The listing: a table (size, modified, md5, key) or a JSON array; shown even with --quiet, as it is the result. */
    void listed(String prefix, List<RemoteFile> files) {
        if (json) {
            JsonArray array = new JsonArray();
            for (RemoteFile f : files) {
                JsonObject o = new JsonObject();
                o.addProperty("key", f.key());
                o.addProperty("size", f.size());
                o.addProperty("md5", f.md5());
                o.addProperty("modified", f.modified() < 0 ? null : Instant.ofEpochMilli(f.modified()).toString());
                array.add(o);
            }
            printJson(array);
        } else if (files.isEmpty()) {
            info(prefix == null ? "No files." : "No files whose key starts with \"" + prefix + "\".");
        } else {
            out.printf("%10s  %-16s  %-32s  %s%n", "SIZE", "MODIFIED", "MD5", "KEY");
            for (RemoteFile f : files) {
                println(out, String.format("%10s  %-16s  %-32s  %s", ByteSizes.human(f.size()),
                        f.modified() < 0 ? "-" : ListTime.FORMAT.format(Instant.ofEpochMilli(f.modified())), f.md5(), f.key()));
            }
        }
        out.flush();
    }

    /** A message about the work, not a result: standard output as text, standard error beside JSON, nowhere if quiet. */
    void info(String message) {
        if (quiet) {
            return;
        }
        PrintWriter to = json ? err : out;
        println(to, message);
        to.flush();
    }

    /** Reports a failure; returns the command's exit code, which is that of its first failure. */
    int failed(String operation, String key, Path path, StepException e) {
        int code = exitCodeOf(e);
        String message = message(operation, key, e);
        println(err, command + ": " + message);
        err.flush();
        if (json) {
            JsonObject o = failure(operation, key, path, message, code);
            if (e.status() > 0) {
                o.addProperty("server_status", e.status());
            }
            if (e instanceof ServerIdentityException identity) {
                o.add("identity", identity(identity));
            }
            printJson(o);
        }
        if (exitCode == ExitCodes.OK) {
            exitCode = code;
        }
        return exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** What a program needs to act on an unverified server: why, and the fingerprints to compare. */
    private static JsonObject identity(ServerIdentityException e) {
        JsonObject o = new JsonObject();
        o.addProperty("reason", e.reason().name().toLowerCase(Locale.ROOT));
        o.addProperty("server", e.server().toString());
        e.fingerprint().ifPresent(f -> o.addProperty("fingerprint", f.toString()));
        e.expectedFingerprint().ifPresent(f -> o.addProperty(
                e.reason() == ServerIdentityException.Reason.CHANGED ? "known_fingerprint" : "expected_fingerprint",
                f.toString()));
        e.knownServersFile().ifPresent(f -> o.addProperty("known_servers", f.toAbsolutePath().toString()));
        e.knownLine().ifPresent(l -> o.addProperty("known_servers_line", l));
        return o;
    }

    /** The JSON object of a failure; also written for usage errors, before any output object exists. */
    static void printFailure(PrintWriter to, String operation, String key, Path path, String message, int exitCode) {
        to.println(TerminalText.json(failure(operation, key, path, message, exitCode)));
        to.flush();
    }

    private static JsonObject failure(String operation, String key, Path path, String message, int exitCode) {
        JsonObject o = new JsonObject();
        o.addProperty("operation", operation);
        if (key != null) {
            o.addProperty("key", key);
        }
        if (path != null) {
            o.addProperty("path", path.toAbsolutePath().toString());
        }
        o.addProperty("status", "failed");
        o.addProperty("error", message);
        o.addProperty("exit_code", exitCode);
        return o;
    }

    private void printJson(JsonElement element) {
        out.println(TerminalText.json(element));
    }

    /** Every line of text goes out here, escaped: it may hold a server's keys and messages. */
    private static void println(PrintWriter to, String line) {
        to.println(TerminalText.escape(line));
    }

    /**
     * What went wrong, in one wording per kind of refusal whichever command met it (the server's
     * own message differs by operation and server), then what to do.
     */
    static String message(String operation, String key, StepException e) {
        // An upload's 404 means something else (its unfinished upload was dropped): the engine's words say it.
        if (key != null && e instanceof NotFoundException && !"upload".equals(operation)) {
            return "\"" + key + "\" is not on the server" + statusOf(e) + "." + hint(e);
        }
        if (e instanceof TokenRejectedException) {
            return "The server no longer accepts the token of this login" + statusOf(e) + ": it expired, was revoked,"
                    + " or the server restarted with new keys." + hint(e);
        }
        if (key != null && e instanceof KeyExistsException && e.status() > 0) {
            return "\"" + key + "\" already exists on the server" + statusOf(e) + ". Add --overwrite to replace it.";
        }
        return e.getMessage() + hint(e);
    }

    private static String statusOf(StepException e) {
        return e.status() > 0 ? " (" + e.status() + ")" : "";
    }

    /** What to do, where the engine's message cannot know it: it does not know the command-line options. */
    private static String hint(StepException e) {
        if (e instanceof AuthenticationException) {
            return " Check --user and --password (or " + PasswordInput.ENVIRONMENT_VARIABLE + "); without a password"
                    + " fita sends md5 of the user name, as classic servers expect.";
        }
        if (e instanceof TokenRejectedException) {
            return " Run the command again to log in anew.";
        }
        if (e instanceof NotFoundException) {
            return " Check the key; 'fita list' shows yours (on a FiTA server).";
        }
        if (e instanceof StepException.CancelledException) {
            return " Run the same command again, or 'fita resume', to continue where it stopped.";
        }
        if (e instanceof StepException.TlsHandshakeException) {
            return " Connect without --tls (or with step://), or check the port. A server in known_servers is always"
                    + " reached with TLS: 'fita known-servers remove HOST:PORT' forgets it.";
        }
        if (e instanceof ServerIdentityException identity) {
            return switch (identity.reason()) {
                case UNKNOWN -> " Ask the server's operator for its fingerprint (fita-server prints it when it starts);"
                        + " if it is the same, run again on a terminal to answer yes, or add --trust "
                        + identity.fingerprint().map(Object::toString).orElse("SHA256:...") + ".";
                case CHANGED -> " Or run 'fita known-servers remove " + identity.server() + "'; then the next"
                        + " connection asks again.";
                case HOST_MISMATCH -> " With --trust FINGERPRINT you accept this one certificate anyway.";
                case PIN_MISMATCH -> " Check the fingerprint given to --trust.";
                default -> "";
            };
        }
        return "";
    }
}
