package org.fita.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.fita.server.ServerConfig;
import org.fita.server.auth.AuthMode;
import org.fita.server.runner.DefaultServerRunner;
import org.fita.server.runner.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code fita-server}: runs a STEP server in the foreground until the process is told to stop. */
@Command(name = "fita-server",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        defaultValueProvider = ServerDefaults.class,
        sortOptions = false,
        subcommands = UserCommand.class,
        description = {
            "Runs a STEP file-transfer server until it gets SIGINT (Ctrl-C) or SIGTERM, then closes it cleanly.",
            "Unfinished uploads survive a restart on the same storage root.",
        },
        footer = {
            "",
            "Sizes take K, M, G units (powers of 1024); durations take s, m, h, d units.",
            "Exit codes: 1 could not start, 2 bad command line; stopped by a signal, 128 + the signal's number"
                    + " (130 for Ctrl-C, 143 for SIGTERM), as the JVM reports it.",
        })
public final class ServerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port; 0 picks a free one, shown in the ready line (default: ${DEFAULT-VALUE}).")
    private int port;

    // Inherited so that "user" subcommands manage the accounts of the same root, before or after their name.
    @Option(names = "--root", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Storage root: files, accounts, tokens and logs (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Option(names = "--auth", paramLabel = "MODE", converter = AuthModeConverter.class,
            completionCandidates = AuthModeNames.class,
            description = "How LOGIN checks passwords: ${COMPLETION-CANDIDATES}. classic: password = md5(username);"
                    + " accounts: the users of 'fita-server user' (default: ${DEFAULT-VALUE}).")
    private AuthMode authMode;

    @Option(names = "--classic-only", description = "Turn every FiTA extension off: clients see a classic STEP server (the security fixes stay on).")
    private boolean classicOnly;

    @Option(names = "--tls", description = "Also serve TLS on the same port: a connection that starts a TLS handshake is"
            + " encrypted, any other is plain STEP as before. Without --tls-cert, uses a self-signed certificate made on"
            + " the first start and kept under the root (ROOT/tls); the ready line shows its fingerprint.")
    private boolean tls;

    @Option(names = "--require-tls", description = "Refuse plain STEP: a plain client gets one error reply (426) saying"
            + " that TLS is required and how to connect (fita --tls, or steps://HOST:PORT). Implies --tls.")
    private boolean requireTls;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate for TLS: the server's certificate"
            + " first, then its intermediates (such as Let's Encrypt's fullchain.pem). Needs --tls-key; implies --tls.")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or"
            + " SEC1 EC), unencrypted and readable by the server's user only (such as privkey.pem).")
    private Path tlsKey;

    @Option(names = "--no-direct-io", description = "Write every upload through the page cache. By default uploads of"
            + " 16 MiB and more are written past it (direct I/O), which costs less CPU and keeps them from pushing"
            + " other files out of the cache; a download right after the upload then reads from the disk.")
    private boolean noDirectIo;

    @Option(names = "--max-connections", paramLabel = "N", description = "Connections served at once; when full, the"
            + " oldest connection that has not logged in makes room for a new one (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "Connections one client address may hold at once; 0 for no limit (default: ${DEFAULT-VALUE}).")
    private int maxConnectionsPerAddress;

    @Option(names = "--login-grace-time", paramLabel = "SECONDS", converter = Durations.Converter.class,
            description = "Close a connection that has not logged in this long after it opened (default: ${DEFAULT-VALUE}).")
    private Duration loginGraceTime;

    @Option(names = "--write-timeout", paramLabel = "SECONDS", converter = Durations.Converter.class,
            description = "Close a connection whose reply cannot be written this long, because its client does not"
                    + " read (default: ${DEFAULT-VALUE}).")
    private Duration writeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", converter = Durations.Converter.class,
            description = "Close a connection silent this long (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Option(names = "--max-json-bytes", paramLabel = "N", converter = ByteSizes.IntConverter.class,
            description = "Largest JSON part of a request (default: ${DEFAULT-VALUE}).")
    private int maxJsonBytes;

    @Option(names = "--max-block-size", paramLabel = "BYTES", converter = ByteSizes.IntConverter.class,
            description = "Largest block a FiTA client may ask for (default: ${DEFAULT-VALUE}).")
    private int maxBlockSize;

    @Option(names = "--max-file-size", paramLabel = "BYTES", converter = ByteSizes.LongConverter.class,
            description = "Largest file accepted (default: ${DEFAULT-VALUE}).")
    private long maxFileSize;

    @Option(names = "--token-ttl", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Lifetime of a login token, such as 24h, 30m or 3600s (default: ${DEFAULT-VALUE}).")
    private Duration tokenTtl;

    @Option(names = "--upload-ttl", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "An unfinished upload untouched this long is deleted with its blocks, such as 7d or 12h"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration uploadTtl;

    @Option(names = "--default-quota", paramLabel = "SIZE",
            description = "Bytes each user may use (finished files, DATA records and unfinished uploads), such as 10G; an"
                    + " account's own quota (user add --quota, user quota) wins. Default: none.")
    private String defaultQuota;

    @Option(names = "--storage", paramLabel = "URL",
            description = "Where the files live: 'local' (the default: under --root) or s3://BUCKET[/PREFIX] on an"
                    + " S3-compatible object store shared by any number of servers (credentials from the AWS environment"
                    + " variables, profile or instance role). With s3://, --root keeps only this server's logs, lock and"
                    + " copy of the accounts. See docs/S3.md.")
    private String storage;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "The object store's endpoint, e.g. http://rgw.internal:8080 (default: AWS S3 itself).")
    private java.net.URI s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "The region requests are signed for (default: us-east-1, which most other stores accept).")
    private String s3Region;

    @Option(names = "--s3-path-style",
            description = "Put the bucket in the URL's path (http://host/bucket/key) instead of its host name; most"
                    + " stores other than AWS (Ceph RGW, SeaweedFS, Garage, MinIO) need this.")
    private boolean s3PathStyle;

    @Option(names = "--s3-memory", paramLabel = "SIZE",
            description = "Memory that uploads may gather blocks in before writing them to the object store (default:"
                    + " a quarter of the heap, at most 1G). Past it, blocks go to the store one by one.")
    private String s3Memory;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "The token secret (created if missing, readable by its owner only). Servers behind one load"
                    + " balancer must share it, so that a token from one is accepted by the others (default:"
                    + " server.secret under --root).")
    private Path secretFile;

    @Option(names = {"-q", "--quiet"}, description = "Do not log to the console; the log files under the root are still written.")
    private boolean quiet;

    public static void main(String[] args) {
        System.exit(CommandLines.run(new ServerCommand(), args));
    }

    /** The storage root chosen on the command line, or the default one. */
    Path root() {
        return root;
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config();
        ServerRunner runner = new DefaultServerRunner();
        // Registered before the start, so a signal at any moment still closes what was opened.
        Runtime.getRuntime().addShutdownHook(new Thread(runner::stop, "fita-server-shutdown"));
        runner.start(config);
        waitUntilTheProcessEnds();
        return ExitCodes.OK;
    }

    private ServerConfig config() {
        try {
            return ServerConfig.builder()
                    .host(host)
                    .port(port)
                    .root(root)
                    .authMode(authMode)
                    .classicOnly(classicOnly)
                    .directIo(!noDirectIo)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerAddress(maxConnectionsPerAddress)
                    .loginGraceTime(loginGraceTime)
                    .writeTimeout(writeTimeout)
                    .idleTimeout(idleTimeout)
                    .maxJsonBytes(maxJsonBytes)
                    .maxBlockSize(maxBlockSize)
                    .maxFileSize(maxFileSize)
                    .tokenTtl(tokenTtl)
                    .uploadTtl(uploadTtl)
                    .defaultQuota(defaultQuota == null || defaultQuota.equalsIgnoreCase("none")
                            ? org.fita.server.ServerConfig.NO_QUOTA : ByteSizes.parse(defaultQuota))
                    .logToConsole(!quiet)
                    .tls(tls)
                    .requireTls(requireTls)
                    .tlsCertificate(tlsCert, tlsKey)
                    .secretFile(secretFile)
                    .storeFactory(storeFactory())
                    .build();
        } catch (IllegalArgumentException e) {
            // The builder checks ranges; a value out of range is a command-line mistake.
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The store named by --storage, or null for the local disk; the S3 options without it are a mistake. */
    private org.fita.server.storage.StoreFactory storeFactory() {
        boolean s3Options = s3Endpoint != null || s3Region != null || s3PathStyle || s3Memory != null;
        if (storage == null || storage.equals("local")) {
            if (s3Options) {
                throw new ParameterException(spec.commandLine(),
                        "--s3-endpoint, --s3-region, --s3-path-style and --s3-memory need --storage s3://BUCKET.");
            }
            return null;
        }
        long memory = s3Memory == null ? -1 : ByteSizes.parse(s3Memory);
        try {
            return S3Storage.factory(storage, s3Endpoint, s3Region, s3PathStyle, memory);
        } catch (NoClassDefFoundError e) {
            throw new ParameterException(spec.commandLine(), "This build of fita-server has no S3 storage (the"
                    + " org.fita.server.s3 bundle is missing). Use the standalone fita-server.jar, or --storage local.");
        }
    }

    /** The server runs on its own threads; SIGINT or SIGTERM ends the JVM, and the shutdown hook closes the server. */
    private static void waitUntilTheProcessEnds() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    static final class AuthModeConverter implements ITypeConverter<AuthMode> {
        @Override
        public AuthMode convert(String value) {
            for (AuthMode mode : AuthMode.values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new TypeConversionException("'" + value + "' is not an authentication mode; use one of "
                    + String.join(", ", new AuthModeNames()) + ".");
        }
    }

    static final class AuthModeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of(AuthMode.values()).stream().map(m -> m.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }
}
