package org.fita.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita download}: keys to local files. */
@Command(name = "download", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Downloads keys. Each is saved under the last '/'-separated part of its key, in the current folder or"
                    + " the one -o names; -o may also name the file when there is one key.",
            "The bytes arrive in NAME.part; an interrupted download continues from it when the same command runs"
                    + " again, and it becomes NAME once its MD5 equals the server's.",
        })
final class DownloadCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "KEY", arity = "1..*", description = "Keys to download.")
    private List<String> keys;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH",
            description = "The file to write (one key), or the folder to write into (default: the current folder).")
    private Path output;

    @Override
    public Integer call() {
        Map<String, Path> targets = targets();
        TransferOptions options = client.transferOptions();
        ClientOutput out = client.output(spec.commandLine());
        try (StepSession session = client.connect()) {
            for (Map.Entry<String, Path> target : targets.entrySet()) {
                if (!client.transfer(out, session, Direction.DOWNLOAD, target.getKey(), target.getValue(), options)) {
                    break;
                }
            }
        } catch (StepException e) {
            out.failed("download", null, null, e);
        }
        return out.exitCode();
    }

    /** Where each key goes, decided before anything is fetched. */
    private Map<String, Path> targets() {
        Map<String, Path> targets = new LinkedHashMap<>();
        boolean intoFolder = keys.size() > 1 || output == null || Files.isDirectory(output);
        if (keys.size() > 1 && output != null && Files.exists(output) && !Files.isDirectory(output)) {
            throw new ParameterException(spec.commandLine(), "-o " + output + " is a file, but " + keys.size()
                    + " keys were given; name a folder to download them into.");
        }
        for (String key : keys) {
            Path folder = output == null ? Path.of("") : output;
            targets.put(key, intoFolder ? folder.resolve(fileName(key)) : output);
        }
        return targets;
    }

    /** The last part of the key, if it can name a file in a folder (never a way out of it). */
    private Path fileName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        try {
            if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
                Path path = Path.of(name);
                if (path.getNameCount() == 1 && !path.isAbsolute()) {
                    return path;
                }
            }
        } catch (InvalidPathException e) {
            // Reported below, as for any name that cannot be a file's.
        }
        throw new ParameterException(spec.commandLine(), "The key \"" + key + "\" does not end in a name that a"
                + " local file can have; download it alone and name the file with -o.");
    }
}
