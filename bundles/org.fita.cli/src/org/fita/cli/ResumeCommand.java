package org.fita.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita resume}: finishes what the journal says was interrupted. */
@Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {
            "Runs every unfinished transfer of the journal for this --server and --user again, oldest first:"
                    + " uploads continue from the blocks the server holds, downloads from their .part files.",
            "An upload whose file no longer exists is dropped from the journal.",
        })
final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ClientOutput output = client.output(spec.commandLine());
        TransferJournal journal = client.journal();
        List<TransferJournal.Entry> entries;
        try {
            entries = journal.entries().stream()
                    .filter(e -> e.server().equals(client.server().toString()) && e.user().equals(client.user()))
                    .toList();
        } catch (IOException e) {
            return output.failed("resume", null, null,
                    new LocalFileException("Cannot read the transfer journal: " + e.getMessage(), e));
        }
        if (entries.isEmpty()) {
            output.info("Nothing to resume.");
            return ExitCodes.OK;
        }
        TransferOptions options = client.transferOptions();
        try (StepSession session = client.connect()) {
            for (TransferJournal.Entry entry : entries) {
                if (!resume(session, journal, entry, options, output)) {
                    break;
                }
            }
        } catch (StepException e) {
            output.failed("resume", null, null, e);
        }
        return output.exitCode();
    }

    /** Returns whether to go on with the next entry, as {@link ClientOutput#attempt} decides. */
    private boolean resume(StepSession session, TransferJournal journal, TransferJournal.Entry entry,
            TransferOptions options, ClientOutput output) {
        Path path = Path.of(entry.path());
        String key = entry.key();
        if (entry.direction() == Direction.UPLOAD) {
            if (!Files.isRegularFile(path)) {
                output.info("Dropped the upload of " + path + " as \"" + key + "\": the file no longer exists.");
                try {
                    journal.remove(entry.id());
                } catch (IOException e) {
                    // It is skipped again next time, and said so again: nothing is lost.
                }
                return true;
            }
            output.info("Resuming the upload of " + path + " as \"" + key + "\".");
        } else {
            output.info("Resuming the download of \"" + key + "\" to " + path + ".");
        }
        return client.transfer(output, session, entry.direction(), key, path, options);
    }
}
