package org.fita.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita delete}: removes keys from the server. */
@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = "Deletes keys from the server, finished files and unfinished uploads alike.")
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "KEY", arity = "1..*", description = "Keys to delete.")
    private List<String> keys;

    @Override
    public Integer call() {
        ClientOutput output = client.output(spec.commandLine());
        try (StepSession session = client.connect()) {
            for (String key : keys) {
                if (!output.attempt("delete", key, null, () -> {
                    session.delete(key);
                    output.deleted(key);
                })) {
                    break;
                }
            }
        } catch (StepException e) {
            output.failed("delete", null, null, e);
        }
        return output.exitCode();
    }
}
