package org.fita.cli;

import java.io.Console;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.fita.protocol.Extensions;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.InvalidRequestException;
import org.fita.transfer.StepException.NotFoundException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;

/**
 * Whether {@code --overwrite} may go ahead with an upload. A server with the {@code replace}
 * extension keeps the old file until the new one is verified; any other server can only be asked to
 * delete the old file first, and a failed upload then leaves nothing. That needs the user's word:
 * {@code --delete-first}, or a "yes" on a terminal.
 */
final class Replacing {
    private final BooleanSupplier deleteFirst;
    /** "all" was answered: no more questions in this run. */
    private boolean agreedForAll;

    Replacing(BooleanSupplier deleteFirst) {
        this.deleteFirst = deleteFirst;
    }

    /**
     * The options to upload {@code key} with overwrite: as given where the server replaces safely or
     * nothing is there to delete, allowed to delete first where the user agreed; throws if it would
     * delete a finished file the user did not agree to delete.
     */
    TransferOptions allow(StepSession session, String key, boolean askOnTerminal, TransferOptions options)
            throws StepException {
        if (session.capabilities().has(Extensions.REPLACE)) {
            return options;
        }
        if (deleteFirst.getAsBoolean() || agreedForAll) {
            return options.withDeleteFirstAllowed(true);
        }
        try {
            session.stat(key);
        } catch (NotFoundException e) {
            return options; // nothing finished under the key: nothing to delete
        }
        Console console = askOnTerminal ? ClientCommand.terminal() : null;
        if (console != null && agreed(console, session, key)) {
            return options.withDeleteFirstAllowed(true);
        }
        throw new InvalidRequestException("\"" + key + "\" exists, and the server at " + session.address()
                + " cannot replace a file safely: overwriting means deleting the old file first, and if the upload"
                + " then fails, neither is on the server. Nothing was changed. Add --delete-first to overwrite"
                + " that way, or upload under another --key.");
    }

    private boolean agreed(Console console, StepSession session, String key) {
        String answer = console.readLine("%s", TerminalText.escape("\"" + key + "\" exists, and the server at "
                + session.address() + " cannot replace a file safely. Delete it first, then upload? If the upload"
                + " fails, neither is on the server. [y]es, [n]o, [a]ll: "));
        if (answer == null) {
            return false;
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        if (a.equals("a") || a.equals("all")) {
            agreedForAll = true;
            return true;
        }
        return a.equals("y") || a.equals("yes");
    }
}
