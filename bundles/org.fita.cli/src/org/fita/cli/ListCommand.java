package org.fita.cli;

import java.util.concurrent.Callable;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita list}: the finished files of the user, from a FiTA server. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {
            "Lists your finished files in key order: size, modification time, MD5 and key.",
            "Classic STEP servers cannot list; against one, list exits with code " + ExitCodes.UNSUPPORTED + ".",
        })
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PREFIX", arity = "0..1", description = "Only keys that start with PREFIX, such as photos/.")
    private String prefix;

    @Override
    public Integer call() {
        ClientOutput output = client.output(spec.commandLine());
        try (StepSession session = client.connect()) {
            output.listed(prefix, session.list(prefix));
        } catch (StepException e) {
            output.failed("list", null, null, e);
        }
        return output.exitCode();
    }
}
