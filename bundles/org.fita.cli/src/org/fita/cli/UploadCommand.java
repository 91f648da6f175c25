package org.fita.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fita.protocol.Names;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.tasks.LocalTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita upload}: files, and folders with everything under them. */
@Command(name = "upload", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {
            "Uploads files; a folder uploads every file under it, keyed by its path relative to the folder with '/'"
                    + " between names. A file's key is its name unless --key says otherwise.",
            "An upload that was interrupted continues where it stopped when the same command runs again.",
        })
final class UploadCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to upload.")
    private List<Path> paths;

    @Option(names = "--key", paramLabel = "KEY",
            description = "The key of the one file to upload; for a folder, the prefix of its keys (a '/' is added).")
    private String key;

    @Override
    public Integer call() {
        ClientOutput output = client.output(spec.commandLine());
        List<LocalTree.Entry> plan;
        try {
            plan = plan();
        } catch (StepException e) {
            return output.failed("upload", null, null, e);
        }
        if (plan.isEmpty()) {
            output.info("Nothing to upload: the folders hold no files.");
            return ExitCodes.OK;
        }
        TransferOptions options = client.transferOptions();
        try (StepSession session = client.connect()) {
            List<SmallFiles.Upload> rest = client.uploadSmall(output, session,
                    plan.stream().map(e -> new SmallFiles.Upload(e.key(), e.file())).toList(), options);
            for (SmallFiles.Upload entry : rest) {
                if (!client.transfer(output, session, Direction.UPLOAD, entry.key(), entry.path(), options)) {
                    break;
                }
            }
        } catch (StepException e) {
            output.failed("upload", null, null, e);
        }
        return output.exitCode();
    }

    /** Every file to upload with its key, checked before anything is sent so that a typo uploads nothing. */
    private List<LocalTree.Entry> plan() throws StepException {
        if (key != null && paths.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--key names the upload of one file or folder, but "
                    + paths.size() + " paths were given. Upload them one at a time, or drop --key to key files by name.");
        }
        if (key != null) {
            Names.keyProblem(key).ifPresent(problem -> {
                throw new ParameterException(spec.commandLine(), "--key " + key + ": " + problem);
            });
        }
        List<LocalTree.Entry> plan = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                plan.addAll(LocalTree.plan(path, key == null || key.endsWith("/") ? key : key + "/"));
            } else {
                checkIsFile(path);
                plan.add(new LocalTree.Entry(path, key != null ? key : String.valueOf(path.getFileName())));
            }
        }
        return plan;
    }

    static void checkIsFile(Path path) throws LocalFileException {
        if (!Files.exists(path)) {
            throw new LocalFileException(path + " does not exist; nothing was uploaded. Check the path.", null);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new LocalFileException(path + " is not a readable file; nothing was uploaded.", null);
        }
    }
}
