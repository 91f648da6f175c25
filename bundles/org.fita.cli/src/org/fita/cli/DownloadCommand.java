package org.fita.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fita.protocol.Names;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException.InvalidRequestException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepException;
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

/** {@code fita download}: keys, and folders of keys, to local files. */
@Command(name = "download", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Downloads keys. A KEY ending in '/' is a folder: every file whose key starts with it (listing needs a"
                    + " FiTA server).",
            "One key is saved under the last '/'-separated part of its name, in the current folder or the one -o"
                    + " names; -o may also name the file. One folder becomes a folder of its last name in the"
                    + " current folder, or the folder -o names. Several keys or folders go into the current folder"
                    + " or -o, each under its path below the deepest folder they share, so that no two collide.",
            "A destination that already holds the server's bytes (same size and MD5) is left as it is; one that"
                    + " differs needs --overwrite.",
            "The bytes arrive in NAME.part; an interrupted download continues from it when the same command runs"
                    + " again, and it becomes NAME once its MD5 equals the server's.",
        })
final class DownloadCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "KEY", arity = "1..*", description = "Keys to download; KEY/ for a folder.")
    private List<String> keys;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH",
            description = "One key: the file to write, or the folder to write it into (an existing folder, or"
                    + " PATH ending in '/'). One folder: the folder to fill. Several: the folder to write into"
                    + " (default: the current folder).")
    private String outputArgument;

    /** -o as a path; null without -o. */
    private Path output;

    /** The files that folder listings gave, with their size and MD5, by key. */
    private final Map<String, RemoteFile> listed = new HashMap<>();

    @Override
    public Integer call() {
        checkArguments();
        TransferOptions options = client.transferOptions();
        ClientOutput out = client.output(spec.commandLine());
        try (StepSession session = client.connect()) {
            Map<String, Path> targets = targets(session, out);
            // Listed files carry their size and MD5: the small ones go in one pipelined batch.
            List<SmallFiles.Download> listedTargets = new ArrayList<>();
            for (Map.Entry<String, Path> target : targets.entrySet()) {
                RemoteFile file = listed.get(target.getKey());
                if (file != null) {
                    listedTargets.add(new SmallFiles.Download(file.key(), target.getValue(), file.size(), file.md5()));
                }
            }
            Set<String> left = new HashSet<>();
            client.downloadSmall(out, session, listedTargets, options).forEach(d -> left.add(d.key()));
            for (Map.Entry<String, Path> target : targets.entrySet()) {
                if (listed.containsKey(target.getKey()) && !left.contains(target.getKey())) {
                    continue; // settled in the batch
                }
                if (!client.transfer(out, session, Direction.DOWNLOAD, target.getKey(), target.getValue(), options)) {
                    break;
                }
            }
        } catch (StepException e) {
            out.failed("download", null, null, e);
        }
        return out.exitCode();
    }

    private static boolean isFolder(String argument) {
        return argument.endsWith("/");
    }

    /** Every argument is a key or a folder that could exist, checked before connecting. */
    private void checkArguments() {
        try {
            output = outputArgument == null ? null : Path.of(outputArgument);
        } catch (InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "-o " + outputArgument + " cannot be a path: "
                    + e.getMessage());
        }
        for (String key : keys) {
            String name = isFolder(key) ? key.substring(0, key.length() - 1) : key;
            Names.keyProblem(name).ifPresent(problem -> {
                throw new ParameterException(spec.commandLine(), (isFolder(key) ? "The folder \"" : "The key \"") + key
                        + "\" cannot be on a server: " + problem);
            });
        }
        if (output != null && Files.exists(output) && !Files.isDirectory(output)
                && (keys.size() > 1 || isFolder(keys.get(0)))) {
            throw new ParameterException(spec.commandLine(), "-o " + output + " is a file, but " + (keys.size() > 1
                    ? keys.size() + " keys were given" : "a folder was given") + "; name a folder to download into.");
        }
    }

    /** Where each key goes: folders are listed first, and every target is decided before anything is fetched. */
    private Map<String, Path> targets(StepSession session, ClientOutput out) throws StepException {
        Map<String, Path> targets = new LinkedHashMap<>();
        if (keys.size() == 1 && !isFolder(keys.get(0))) {
            String key = keys.get(0);
            // "restored/" names a folder even before it exists (Path drops the trailing '/').
            boolean intoFolder = output == null || Files.isDirectory(output) || outputArgument.endsWith("/");
            Path folder = output == null ? Path.of("") : output;
            targets.put(key, intoFolder ? folder.resolve(fileName(key)) : output);
            return targets;
        }
        Path into;
        String base;
        if (keys.size() == 1) {
            String folder = keys.get(0);
            base = folder;
            into = output != null ? output : Path.of(fileName(folder.substring(0, folder.length() - 1)).toString());
        } else {
            base = commonFolder(keys);
            into = output != null ? output : Path.of("");
        }
        for (String argument : keys) {
            if (!isFolder(argument)) {
                targets.putIfAbsent(argument, inside(into, argument, base));
                continue;
            }
            if (!out.attempt("download", argument, null, () -> {
                List<RemoteFile> files = session.list(argument);
                if (files.isEmpty()) {
                    throw new InvalidRequestException("No key on the server starts with \"" + argument + "\"; nothing"
                            + " was downloaded from it. Check the folder; 'fita list' shows yours.");
                }
                for (RemoteFile file : files) {
                    // A listed key that cannot be a local file here is reported alone; the others go on.
                    out.attempt("download", file.key(), null, () -> {
                        if (targets.putIfAbsent(file.key(), inside(into, file.key(), base)) == null) {
                            listed.put(file.key(), file);
                        }
                    });
                }
            })) {
                break;
            }
        }
        return targets;
    }

    /**
     * The local place of {@code key}: its path below {@code base} inside {@code into}. A key that a
     * server lists may be hostile; LocalTree checks that it cannot land outside {@code into}.
     */
    private static Path inside(Path into, String key, String base) throws StepException {
        try {
            return LocalTree.target(into, key.substring(base.length()));
        } catch (LocalFileException e) {
            throw new LocalFileException("\"" + key + "\" cannot be downloaded into " + into + ": " + e.getMessage(), e);
        } catch (StepException e) {
            throw new InvalidRequestException("\"" + key + "\" cannot be downloaded into " + into + ": "
                    + e.getMessage() + " Nothing was written for it.");
        }
    }

    /** The deepest folder ("" or ending in '/') that holds every argument; a folder argument holds itself. */
    static String commonFolder(List<String> arguments) {
        String common = null;
        for (String argument : arguments) {
            String folder = argument.substring(0, argument.lastIndexOf('/') + 1);
            if (common == null) {
                common = folder;
                continue;
            }
            int i = 0;
            while (i < common.length() && i < folder.length() && common.charAt(i) == folder.charAt(i)) {
                i++;
            }
            common = common.substring(0, common.lastIndexOf('/', i - 1) + 1);
        }
        return common == null ? "" : common;
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
