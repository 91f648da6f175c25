package org.fita.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ConnectionLimits;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException;
import org.fita.transfer.StepException.KeyExistsException;
import org.fita.transfer.StepException.LocalFileException;
import org.fita.transfer.StepSession;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.transfer.trust.KnownServers;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code fita}: the STEP client. The options that say where and how to transfer are declared here
 * once and inherited by every subcommand; the coursework form ({@code --server_ip --id --f}) is this
 * command run without a subcommand.
 */
@Command(name = "fita",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        // The subcommands are added by commandLine(): only the one a command line names, when it names one.
        description = {
            "Uploads, downloads, lists and deletes files on a STEP server: in parallel and pipelined where a FiTA"
                    + " server offers it, stop-and-wait against a classic one. Every transfer is verified by MD5, and"
                    + " an interrupted one continues where it stopped when the same command runs again.",
        })
public final class ClientCommand implements Callable<Integer> {
    static final String DEFAULT_SERVER = "127.0.0.1:" + ServerAddress.DEFAULT_PORT;
    /** Tests and several installations keep their journals apart with it. */
    static final String HOME_VARIABLE = "FITA_HOME";
    /** The server when --server is not given, so that a shell can name it once. */
    static final String SERVER_VARIABLE = "FITA_SERVER";

    private static final List<String> ENVIRONMENT_HELP = List.of(
            "Environment: " + SERVER_VARIABLE + " the server when --server is not given; "
                    + PasswordInput.ENVIRONMENT_VARIABLE + " the password; " + HOME_VARIABLE
                    + " the folder of the journal of unfinished transfers and of known_servers (default ~/.fita).");

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            defaultValue = "${env:" + SERVER_VARIABLE + ":-" + DEFAULT_SERVER + "}",
            converter = ServerUrlConverter.class,
            description = "The STEP server (default: " + SERVER_VARIABLE + ", else " + DEFAULT_SERVER + ");"
                    + " steps://HOST:PORT connects with TLS, step://HOST:PORT without.")
    private ServerUrl server;

    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "Connect with TLS (as steps:// does). A server remembered in known_servers is always reached"
                    + " with TLS.")
    private boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Also trust the certificate authorities in FILE (PEM, one or more certificates) for TLS,"
                    + " besides the system's. Implies --tls.")
    private Path caFile;

    @Option(names = "--trust", paramLabel = "SHA256:...", scope = ScopeType.INHERIT,
            converter = FingerprintConverter.class,
            description = "Trust a TLS server whose certificate has this fingerprint (as fita-server prints it) and"
                    + " remember it in known_servers; for scripts, where nobody can answer the question. Implies --tls.")
    private CertificateFingerprint trust;

    @Option(names = "--user", paramLabel = "NAME", scope = ScopeType.INHERIT, defaultValue = "${sys:user.name}",
            description = "Log in as NAME (default: ${DEFAULT-VALUE}).")
    private String user;

    @Option(names = "--password", paramLabel = "PASSWORD", scope = ScopeType.INHERIT,
            description = "The password. " + PasswordInput.ENVIRONMENT_VARIABLE + " is safer (ps shows command lines)."
                    + " Without either it is asked on a terminal; with no terminal, or Enter at the prompt, fita"
                    + " sends md5(NAME), the classic rule.")
    private String password;

    @Option(names = "--connections", paramLabel = "N", scope = ScopeType.INHERIT, defaultValue = "0",
            description = "Connections per transfer; 0 adapts to what is fastest (default).")
    private int connections;

    @Option(names = "--window", paramLabel = "N", scope = ScopeType.INHERIT, defaultValue = "0",
            description = "Requests in flight per connection; 0 adapts (default). Classic servers always get 1.")
    private int window;

    @Option(names = "--block-size", paramLabel = "SIZE", scope = ScopeType.INHERIT, defaultValue = "0",
            converter = ByteSizes.IntConverter.class,
            description = "Block size to ask a FiTA server for, such as 4M (default: 1M; classic servers decide).")
    private int blockSize;

    @Option(names = "--limit-rate", paramLabel = "SIZE/s", scope = ScopeType.INHERIT, defaultValue = "0",
            converter = ByteSizes.RateConverter.class,
            description = "Move at most SIZE bytes per second per transfer, all its connections together, such as"
                    + " 500K/s or 10M (default: no limit).")
    private long limitRate;

    @Option(names = "--overwrite", scope = ScopeType.INHERIT,
            description = "Replace an existing key (upload) or local file (download). A server without safe replace"
                    + " (classic servers) can only delete the old file first: then fita asks on a terminal, and"
                    + " refuses elsewhere unless --delete-first is given too.")
    private boolean overwrite;

    @Option(names = "--delete-first", scope = ScopeType.INHERIT,
            description = "With a server that cannot replace a file safely, overwrite by deleting the old file"
                    + " before the upload: if the upload then fails, neither is on the server. Implies --overwrite.")
    private boolean deleteFirst;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print one JSON object per result on standard output (list: one array); no progress bar.")
    private boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress bar and no messages on success; errors are still printed.")
    private boolean quiet;

    @ArgGroup(exclusive = false, heading = "%nThe coursework form (without a command): logs in as ID with password"
            + " md5(ID), uploads FILE under its name, prints the token and the MD5%n")
    private Coursework coursework;

    static final class Coursework {
        @Option(names = "--server_ip", paramLabel = "HOST", defaultValue = "127.0.0.1",
                description = "The server's address (default: ${DEFAULT-VALUE}).")
        private String host;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerAddress.DEFAULT_PORT,
                description = "The server's port (default: ${DEFAULT-VALUE}).")
        private int port;

        @Option(names = "--id", paramLabel = "ID", required = true, description = "The student id to log in as.")
        private String id;

        @Option(names = "--f", paramLabel = "FILE", required = true, description = "The file to upload.")
        private Path file;
    }

    /** Ctrl-C and SIGTERM cancel the running transfer; one per process. */
    private final Cancellation cancellation;
    /** Whether --overwrite may delete before it uploads; one answer per process. */
    private final Replacing replacing = new Replacing(() -> deleteFirst);

    ClientCommand() {
        this(new Cancellation());
    }

    private ClientCommand(Cancellation cancellation) {
        this.cancellation = cancellation;
    }

    /** The subcommands' names, in the order of the usage help. */
    static final List<String> SUBCOMMANDS = List.of("upload", "download", "list", "delete", "resume", "known-servers");

    private static Object subcommand(String name) {
        return switch (name) {
            case "upload" -> new UploadCommand();
            case "download" -> new DownloadCommand();
            case "list" -> new ListCommand();
            case "delete" -> new DeleteCommand();
            case "resume" -> new ResumeCommand();
            case "known-servers" -> new KnownServersCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The options of this command that every subcommand inherits and that take a value. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--server", "--ca", "--trust", "--user", "--password",
            "--connections", "--window", "--block-size", "--limit-rate");
    /** Those without a value, but for help and version. */
    private static final Set<String> FLAGS = Set.of("--tls", "--overwrite", "--delete-first", "--json", "-q", "--quiet");

    public static void main(String[] args) {
        Phases.mark("main");
        // --help and --version as picocli renders them, without picocli's start-up work (see HelpTexts).
        if (HelpTexts.print(args, System.out)) {
            Phases.mark("help printed");
            Phases.print(System.err);
            System.exit(ExitCodes.OK);
        }
        ClientCommand command = new ClientCommand();
        command.cancellation.installShutdownHook();
        int exitCode = command.execute(args);
        Phases.mark("command returned");
        command.cancellation.finished();
        Phases.print(System.err);
        System.exit(exitCode);
    }

    /**
     * Runs {@code args}. picocli's model of every subcommand costs a cold JVM a good part of its start,
     * so only the subcommand that the arguments name is built; a usage error of this command itself
     * is reported by the whole model, whose usage help lists every subcommand.
     */
    int execute(String[] args) {
        String only = subcommandNamedBy(args);
        CommandLine line = commandLine(this, only);
        Phases.mark("command line built");
        if (only == null) {
            return line.execute(args);
        }
        boolean[] parsed = {false};
        line.setExecutionStrategy(result -> {
            parsed[0] = true;
            return new CommandLine.RunLast().execute(result);
        });
        IParameterExceptionHandler usage = line.getParameterExceptionHandler();
        line.setParameterExceptionHandler((e, arguments) -> {
            if (e.getCommandLine() != line) {
                return usage.handleParseException(e, arguments);
            }
            if (!parsed[0]) {
                // Nothing ran: the whole model parses the same arguments again and reports their error itself.
                return commandLine(new ClientCommand(cancellation), null).execute(arguments);
            }
            // Raised by a subcommand's checks on the options of this command (TransferOptions).
            CommandLine whole = commandLine(new ClientCommand(), null);
            return whole.getParameterExceptionHandler().handleParseException(
                    new ParameterException(whole, e.getMessage(), e.getCause()), arguments);
        });
        return line.execute(args);
    }

    /**
     * The subcommand that picocli will run for {@code args}, or null unless that is sure (then every
     * subcommand is built): the first argument, after nothing but this command's own transfer options
     * and their values, that names a subcommand. Anything else before it (help, version, an unknown
     * option, a value that picocli would take for a subcommand) is left to the whole model.
     */
    static String subcommandNamedBy(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
                if (i >= args.length || SUBCOMMANDS.contains(args[i])) {
                    return null;
                }
            } else if (arg.startsWith("-")) {
                int equals = arg.indexOf('=');
                if (!(equals > 0 ? OPTIONS_WITH_VALUE.contains(arg.substring(0, equals)) : FLAGS.contains(arg))) {
                    return null;
                }
            } else {
                return SUBCOMMANDS.contains(arg) ? arg : null;
            }
        }
        return null;
    }

    /** The whole command line of {@code command}, every subcommand included. */
    static CommandLine commandLine(ClientCommand command) {
        return commandLine(command, null);
    }

    /**
     * The command line of {@code command} with the subcommand {@code only}, or with all of them if
     * null: FiTA's usage policy, exit codes in every help, JSON for usage errors under --json.
     */
    static CommandLine commandLine(ClientCommand command, String only) {
        CommandLine line = CommandLines.create(command);
        for (String name : SUBCOMMANDS) {
            if (only == null || only.equals(name)) {
                line.addSubcommand(name, subcommand(name));
            }
        }
        IParameterExceptionHandler usage = line.getParameterExceptionHandler();
        line.setParameterExceptionHandler((e, args) -> {
            int exitCode = usage.handleParseException(e, args);
            // Parsing failed, so the --json field may be unset: the raw arguments tell.
            if (List.of(args).contains("--json")) {
                ClientOutput.printFailure(e.getCommandLine().getOut(), e.getCommandLine().getCommandName(), null, null,
                        e.getMessage(), exitCode);
            }
            return exitCode;
        });
        List<String> footer = new ArrayList<>(List.of(""));
        footer.addAll(ENVIRONMENT_HELP);
        footer.addAll(ExitCodes.CLIENT_HELP);
        line.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        for (CommandLine sub : line.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        }
        return line;
    }

    @Override
    public Integer call() {
        if (coursework == null) {
            throw new ParameterException(spec.commandLine(), "Missing a command: upload, download, list, delete or"
                    + " resume; or the coursework form --server_ip HOST --id ID --f FILE.");
        }
        return uploadTheCourseworkWay();
    }

    /** Prints what the coursework asks for: the token, then the MD5 that both sides agree on. */
    private int uploadTheCourseworkWay() {
        ServerAddress address;
        try {
            address = new ServerAddress(coursework.host, coursework.port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path file = coursework.file;
        String key = String.valueOf(file.getFileName());
        ClientOutput output = output(spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        try {
            UploadCommand.checkIsFile(file);
        } catch (StepException e) {
            return output.failed("upload", key, file, e);
        }
        try (StepSession session = connect(address, coursework.id, StepSession.classicPassword(coursework.id))) {
            out.println(TerminalText.escape("Token: " + session.token()));
            out.flush();
            TransferOptions options = transferOptions();
            if (options.overwrite()) {
                options = replacing.allow(session, key, output.interactive(), options);
            }
            TransferResult result = cancellation.await(session.upload(file, key, options, output.progress()));
            out.println(TerminalText.escape("MD5: " + result.md5()));
            out.println(TerminalText.escape("MD5 check: the server's MD5 of \"" + key + "\" matches the local file."));
            return ExitCodes.OK;
        } catch (StepException e) {
            return output.failed("upload", key, file, e);
        }
    }

    /** Logs in with the global options, asking for the password where they do not give it. */
    StepSession connect() throws StepException {
        // The password is asked after the server's identity is settled, as ssh does.
        return connect(server.address(), user, this::password);
    }

    private StepSession connect(ServerAddress address, String username, String secret) throws StepException {
        return connect(address, username, () -> secret);
    }

    private StepSession connect(ServerAddress address, String username, Supplier<String> secret) throws StepException {
        Phases.mark("connecting");
        StepSession session = StepSession.connect(address, username, secret, ConnectionLimits.DEFAULTS, security(address));
        Phases.mark("logged in");
        if (session.offersTls() && !quiet) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(TerminalText.escape(spec.commandLine().getCommandName() + ": warning: " + address
                    + " offers TLS, but this login went without it: the password crossed the network in clear."
                    + " Use --tls (or steps://" + address + ") next time."));
            err.flush();
        }
        // Always journaled, so that running the same command again after a crash resumes.
        session.useJournal(journal());
        return session;
    }

    /**
     * TLS as the options say for {@code target} (--tls, --ca or --trust, which mean nothing without
     * it, or a steps:// --server naming it); the terminal asks about unknown certificates when a
     * person is there.
     */
    ConnectionSecurity security(ServerAddress target) {
        Console console = json ? null : terminal();
        return ConnectionSecurity.defaults()
                .withKnownServers(knownServers())
                .withTls(tls || caFile != null || trust != null || server.tls() && server.address().equals(target))
                .withCaFile(caFile)
                .withPinned(trust)
                .withPrompt(console == null ? null : new TerminalTrustPrompt(console));
    }

    /** known_servers under FITA_HOME (default ~/.fita). */
    static KnownServers knownServers() {
        return KnownServers.inFitaHome();
    }

    private String password() {
        if (password != null) {
            return password;
        }
        return PasswordInput.fromEnvironmentOrTerminal("Password for " + user + " at " + server
                        + " (Enter: md5 of the name, the classic rule)", false)
                .filter(p -> !p.isEmpty())
                .orElseGet(() -> StepSession.classicPassword(user));
    }

    TransferJournal journal() {
        String home = System.getenv(HOME_VARIABLE);
        return new TransferJournal(home == null || home.isEmpty() ? TransferJournal.defaultDirectory()
                : Path.of(home, "journal"));
    }

    /**
     * Runs one upload or download to its end and reports it; returns whether the command should go
     * on with its next transfer, as {@link ClientOutput#attempt} decides.
     */
    boolean transfer(ClientOutput output, StepSession session, Direction direction, String key, Path path,
            TransferOptions options) {
        return output.attempt(ClientOutput.operation(direction), key, path, () -> {
            cancellation.check();
            if (direction == Direction.DOWNLOAD && !options.overwrite() && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                keepIdenticalDownload(output, session, key, path);
                return;
            }
            TransferOptions used = direction == Direction.UPLOAD && options.overwrite()
                    ? replacing.allow(session, key, output.interactive(), options) : options;
            Phases.mark("transfer starting");
            Transfer transfer = direction == Direction.UPLOAD ? session.upload(path, key, used, output.progress())
                    : session.download(key, path, used, output.progress());
            try {
                TransferResult result = cancellation.await(transfer);
                Phases.mark("transfer verified");
                output.transferred(direction, result);
                Phases.mark("transfer reported");
            } catch (KeyExistsException e) {
                // Running the same upload again, e.g. after it completed unheard: the same bytes are no failure.
                if (direction != Direction.UPLOAD || e.status() <= 0) {
                    throw e;
                }
                RemoteFile remote = session.stat(key);
                if (!LocalFiles.sameContent(path, remote)) {
                    throw e;
                }
                output.identical(direction, key, path, remote.size(), remote.md5());
            }
        });
    }

    /**
     * Moves the small ones of several files on a few pipelined connections (SmallFiles), reporting
     * each as the normal path would; returns the files left for {@link #transfer}, in order.
     */
    List<SmallFiles.Upload> uploadSmall(ClientOutput output, StepSession session, List<SmallFiles.Upload> files,
            TransferOptions options) throws StepException {
        if (files.size() < 2) {
            return files; // one file: the normal path, with its progress bar
        }
        cancellation.check();
        return SmallFiles.upload(session, files, options, cancellation::requested, reporter(output, Direction.UPLOAD));
    }

    /** As {@link #uploadSmall}, for listed files to download. */
    List<SmallFiles.Download> downloadSmall(ClientOutput output, StepSession session, List<SmallFiles.Download> files,
            TransferOptions options) throws StepException {
        if (files.size() < 2) {
            return files;
        }
        cancellation.check();
        return SmallFiles.download(session, files, options, cancellation::requested,
                reporter(output, Direction.DOWNLOAD));
    }

    private static SmallFiles.Listener reporter(ClientOutput output, Direction direction) {
        return new SmallFiles.Listener() {
            @Override
            public void verified(TransferResult result) {
                output.transferred(direction, result);
            }

            @Override
            public void failed(String key, Path path, StepException e) {
                output.failed(ClientOutput.operation(direction), key, path, e);
            }
        };
    }

    /** A download onto an existing file: fine if it holds the server's bytes already, refused if not. */
    private static void keepIdenticalDownload(ClientOutput output, StepSession session, String key, Path path)
            throws StepException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new LocalFileException(path + " exists and is not a file; nothing was downloaded. Choose another"
                    + " place with -o.", null);
        }
        RemoteFile remote = session.stat(key);
        if (!LocalFiles.sameContent(path, remote)) {
            throw new LocalFileException(path + " already exists with other content than \"" + key + "\" on the"
                    + " server (MD5 " + remote.md5() + "); nothing was downloaded. Add --overwrite to replace it, or"
                    + " choose another place with -o.", null);
        }
        output.identical(Direction.DOWNLOAD, key, path, remote.size(), remote.md5());
    }

    ServerAddress server() {
        return server.address();
    }

    String user() {
        return user;
    }

    boolean json() {
        return json;
    }

    TransferOptions transferOptions() {
        try {
            return new TransferOptions(connections, window, blockSize, overwrite || deleteFirst, limitRate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid transfer option: " + e.getMessage());
        }
    }

    /** How {@code line}'s command reports: text or JSON, a progress bar only on a terminal. */
    ClientOutput output(CommandLine line) {
        Phases.mark("command called");
        boolean terminal = terminal() != null;
        return new ClientOutput(line.getCommandSpec().qualifiedName(), line.getOut(), line.getErr(), json, quiet,
                terminal, cancellation::exitCode);
    }

    /**
     * The console if a person is at it, else null. From Java 22 a console may exist while standard
     * input and output are redirected; Console.isTerminal (Java 22+, hence reflection) tells.
     */
    static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            return Boolean.TRUE.equals(Console.class.getMethod("isTerminal").invoke(console)) ? console : null;
        } catch (NoSuchMethodException e) {
            return console; // Java 21: there is a console only on a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static final class ServerUrlConverter implements ITypeConverter<ServerUrl> {
        @Override
        public ServerUrl convert(String value) {
            try {
                return ServerUrl.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class FingerprintConverter implements ITypeConverter<CertificateFingerprint> {
        @Override
        public CertificateFingerprint convert(String value) {
            try {
                return CertificateFingerprint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
