package org.fita.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.fita.protocol.Blocks;
import org.fita.server.auth.AuthMode;

/**
 * Everything a server needs to start. Immutable; build one with {@link #builder()}.
 */
public final class ServerConfig {
    public static final int DEFAULT_PORT = 1379;
    /** A quota of no limit ({@link #defaultQuota()}, account quotas). */
    public static final long NO_QUOTA = org.fita.server.storage.Quotas.UNLIMITED;
    /**
     * The smallest JSON length whose frame begins with 0x16, the byte that starts a TLS handshake: a
     * TLS port tells the two apart by the first byte, so its JSON limit stays below this.
     */
    public static final int MIN_JSON_LENGTH_STARTING_LIKE_TLS = 0x16000000;

    private final String host;
    private final int port;
    private final Path root;
    private final AuthMode authMode;
    private final boolean classicOnly;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Duration loginGraceTime;
    private final Duration writeTimeout;
    private final int maxConnectionsPerAddress;
    private final int maxJsonBytes;
    private final int maxBlockSize;
    private final long maxFileSize;
    private final Duration tokenTtl;
    private final boolean logToConsole;
    private final int passwordIterations;
    private final boolean directIo;
    private final Duration uploadTtl;
    private final long defaultQuota;
    private final boolean tls;
    private final boolean requireTls;
    private final Path tlsCertificate;
    private final Path tlsKey;
    private final org.fita.server.storage.StoreFactory storeFactory;
    private final Path secretFile;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.root = Objects.requireNonNull(b.root, "root");
        this.authMode = b.authMode;
        this.classicOnly = b.classicOnly;
        this.maxConnections = b.maxConnections;
        this.idleTimeout = b.idleTimeout;
        this.loginGraceTime = b.loginGraceTime;
        this.writeTimeout = b.writeTimeout;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.maxJsonBytes = b.maxJsonBytes;
        this.maxBlockSize = b.maxBlockSize;
        this.maxFileSize = b.maxFileSize;
        this.tokenTtl = b.tokenTtl;
        this.logToConsole = b.logToConsole;
        this.passwordIterations = b.passwordIterations;
        this.directIo = b.directIo;
        this.uploadTtl = b.uploadTtl;
        this.defaultQuota = b.defaultQuota;
        this.tls = b.tls || b.requireTls || b.tlsCertificate != null;
        this.requireTls = b.requireTls;
        this.tlsCertificate = b.tlsCertificate;
        this.tlsKey = b.tlsKey;
        this.storeFactory = b.storeFactory;
        this.secretFile = b.secretFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.root = root;
        b.authMode = authMode;
        b.classicOnly = classicOnly;
        b.directIo = directIo;
        b.maxConnections = maxConnections;
        b.idleTimeout = idleTimeout;
        b.loginGraceTime = loginGraceTime;
        b.writeTimeout = writeTimeout;
        b.maxConnectionsPerAddress = maxConnectionsPerAddress;
        b.maxJsonBytes = maxJsonBytes;
        b.maxBlockSize = maxBlockSize;
        b.maxFileSize = maxFileSize;
        b.tokenTtl = tokenTtl;
        b.logToConsole = logToConsole;
        b.passwordIterations = passwordIterations;
        b.uploadTtl = uploadTtl;
        b.defaultQuota = defaultQuota;
        b.tls = tls;
        b.requireTls = requireTls;
        b.tlsCertificate = tlsCertificate;
        b.tlsKey = tlsKey;
        b.storeFactory = storeFactory;
        b.secretFile = secretFile;
        return b;
    }

    /** The address to listen on; "0.0.0.0" for every interface. */
    public String host() {
        return host;
    }

    /** The TCP port; 0 picks a free one (see {@link StepServer#port()}). */
    public int port() {
        return port;
    }

    /** The storage root: files, records, accounts, token secret and logs all live under it. */
    public Path root() {
        return root;
    }

    public AuthMode authMode() {
        return authMode;
    }

    /**
     * With every FiTA extension off, clients see a classic STEP server; the security fixes (signed,
     * expiring tokens, name rules, limits) stay on.
     */
    public boolean classicOnly() {
        return classicOnly;
    }

    /**
     * Whether large uploads (16 MiB and more, in blocks of 256 KiB and more) are written with direct
     * I/O, past the page cache, where the file system allows it.
     */
    public boolean directIo() {
        return directIo;
    }

    /**
     * Connections served at once. At the cap a new connection takes the place of the oldest one that
     * has not logged in; only when all have logged in is it refused (429).
     */
    public int maxConnections() {
        return maxConnections;
    }

    /** Connections one client address may hold at once; 0 means no limit of its own. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** A connection that has not logged in (LOGIN, or a request with a valid token) this long after it opened is closed. */
    public Duration loginGraceTime() {
        return loginGraceTime;
    }

    /** A reply that cannot be written for this long (the client does not read) closes its connection. */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** A connection silent this long is closed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int maxJsonBytes() {
        return maxJsonBytes;
    }

    /** The largest block a client may ask for; also the binary part limit of a frame. */
    public int maxBlockSize() {
        return maxBlockSize;
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    public boolean logToConsole() {
        return logToConsole;
    }

    /** PBKDF2 iterations for new account passwords. */
    public int passwordIterations() {
        return passwordIterations;
    }

    /** An unfinished upload untouched this long is deleted with everything it holds. */
    public Duration uploadTtl() {
        return uploadTtl;
    }

    /**
     * Bytes each user may use (finished files plus unfinished uploads) unless their account says
     * otherwise; {@link org.fita.server.storage.Quotas#UNLIMITED} for no limit.
     */
    public long defaultQuota() {
        return defaultQuota;
    }

    /**
     * Whether the port also serves TLS: a connection whose first byte is 0x16 (a TLS handshake
     * record) is TLS, any other plain STEP. True when asked for, and implied by {@link #requireTls()}
     * and by a certificate ({@link #tlsCertificate()}).
     */
    public boolean tls() {
        return tls;
    }

    /**
     * Whether plain STEP is refused: a plain connection gets one 426 reply saying TLS is required,
     * then is closed. Implies {@link #tls()}.
     */
    public boolean requireTls() {
        return requireTls;
    }

    /**
     * The PEM certificate file (the server's certificate first, then any intermediates), or null
     * for the self-signed certificate the server makes under its root on first start and reuses.
     */
    public Path tlsCertificate() {
        return tlsCertificate;
    }

    /** The PEM private key file of {@link #tlsCertificate()} (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted), or null. */
    public Path tlsKey() {
        return tlsKey;
    }

    /**
     * The store the files live in instead of the local disk under {@link #root()} (which then keeps
     * only this server's logs and lock), or null for the local disk.
     */
    public org.fita.server.storage.StoreFactory storeFactory() {
        return storeFactory;
    }

    /**
     * The token secret's file, shared by every server that must accept the others' tokens, or null
     * for {@code server.secret} under the root.
     */
    public Path secretFile() {
        return secretFile;
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private Path root = defaultRoot();
        private AuthMode authMode = AuthMode.CLASSIC;
        private boolean classicOnly;
        private boolean directIo = true;
        private int maxConnections = 10_000;
        private int maxConnectionsPerAddress;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration loginGraceTime = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(60);
        private int maxJsonBytes = 1 << 20;
        private int maxBlockSize = Blocks.MAX_BLOCK_SIZE;
        private long maxFileSize = 64L << 30;
        private Duration tokenTtl = Duration.ofHours(24);
        private boolean logToConsole = true;
        private int passwordIterations = org.fita.server.auth.PasswordHasher.DEFAULT_ITERATIONS;
        private Duration uploadTtl = Duration.ofDays(7);
        private long defaultQuota = org.fita.server.storage.Quotas.UNLIMITED;
        private boolean tls;
        private boolean requireTls;
        private Path tlsCertificate;
        private Path tlsKey;
        private org.fita.server.storage.StoreFactory storeFactory;
        private Path secretFile;

        /** {@code ~/.fita/server}: never the working directory by accident. */
        public static Path defaultRoot() {
            return Path.of(System.getProperty("user.home"), ".fita", "server");
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The port must be within 0..65535, not " + port + ".");
            }
            this.port = port;
            return this;
        }

        public Builder root(Path root) {
            this.root = root.toAbsolutePath().normalize();
            return this;
        }

        public Builder authMode(AuthMode authMode) {
            this.authMode = Objects.requireNonNull(authMode);
            return this;
        }

        public Builder classicOnly(boolean classicOnly) {
            this.classicOnly = classicOnly;
            return this;
        }

        public Builder directIo(boolean directIo) {
            this.directIo = directIo;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1.");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** @param perAddress at least 1, or 0 for no per-address limit */
        public Builder maxConnectionsPerAddress(int perAddress) {
            if (perAddress < 0) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be 0 (no limit) or more.");
            }
            this.maxConnectionsPerAddress = perAddress;
            return this;
        }

        public Builder loginGraceTime(Duration loginGraceTime) {
            if (loginGraceTime.isNegative() || loginGraceTime.isZero()) {
                throw new IllegalArgumentException("The login grace time must be positive.");
            }
            this.loginGraceTime = loginGraceTime;
            return this;
        }

        public Builder writeTimeout(Duration writeTimeout) {
            if (writeTimeout.isNegative() || writeTimeout.isZero()) {
                throw new IllegalArgumentException("The write timeout must be positive.");
            }
            this.writeTimeout = writeTimeout;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("The idle timeout must be positive.");
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxJsonBytes(int maxJsonBytes) {
            if (maxJsonBytes < 1024) {
                throw new IllegalArgumentException("The JSON limit must be at least 1024 bytes.");
            }
            this.maxJsonBytes = maxJsonBytes;
            return this;
        }

        public Builder maxBlockSize(int maxBlockSize) {
            if (maxBlockSize < Blocks.CLASSIC_BLOCK_SIZE || maxBlockSize > Blocks.MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("The block size limit must be within " + Blocks.CLASSIC_BLOCK_SIZE
                        + ".." + Blocks.MAX_BLOCK_SIZE + " bytes.");
            }
            this.maxBlockSize = maxBlockSize;
            return this;
        }

        public Builder maxFileSize(long maxFileSize) {
            if (maxFileSize < 0) {
                throw new IllegalArgumentException("The file size limit must not be negative.");
            }
            this.maxFileSize = maxFileSize;
            return this;
        }

        public Builder tokenTtl(Duration tokenTtl) {
            if (tokenTtl.isNegative() || tokenTtl.isZero()) {
                throw new IllegalArgumentException("The token lifetime must be positive.");
            }
            this.tokenTtl = tokenTtl;
            return this;
        }

        public Builder logToConsole(boolean logToConsole) {
            this.logToConsole = logToConsole;
            return this;
        }

        public Builder passwordIterations(int passwordIterations) {
            this.passwordIterations = passwordIterations;
            return this;
        }

        public Builder uploadTtl(Duration uploadTtl) {
            if (uploadTtl.isNegative() || uploadTtl.isZero()) {
                throw new IllegalArgumentException("The upload lifetime must be positive.");
            }
            this.uploadTtl = uploadTtl;
            return this;
        }

        /** Bytes per user, or {@link org.fita.server.storage.Quotas#UNLIMITED}. */
        public Builder defaultQuota(long defaultQuota) {
            if (defaultQuota < 0 && defaultQuota != org.fita.server.storage.Quotas.UNLIMITED) {
                throw new IllegalArgumentException("The quota must not be negative.");
            }
            this.defaultQuota = defaultQuota;
            return this;
        }

        /** Serves TLS beside plain STEP on the same port. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Refuses plain STEP (implies {@link #tls(boolean)}). */
        public Builder requireTls(boolean requireTls) {
            this.requireTls = requireTls;
            return this;
        }

        /**
         * Uses this PEM certificate (chain) and key instead of the self-signed certificate (implies
         * {@link #tls(boolean)}); both null goes back to the self-signed one.
         */
        public Builder tlsCertificate(Path certificate, Path key) {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("A TLS certificate needs its private key, and a key its certificate:"
                        + " give both (--tls-cert FILE --tls-key FILE), or neither for a self-signed certificate.");
            }
            this.tlsCertificate = certificate == null ? null : certificate.toAbsolutePath().normalize();
            this.tlsKey = key == null ? null : key.toAbsolutePath().normalize();
            return this;
        }

        /** A store other than the local disk (null for the local disk). */
        public Builder storeFactory(org.fita.server.storage.StoreFactory storeFactory) {
            this.storeFactory = storeFactory;
            return this;
        }

        /** The token secret's file (created if missing), or null for {@code server.secret} under the root. */
        public Builder secretFile(Path secretFile) {
            this.secretFile = secretFile == null ? null : secretFile.toAbsolutePath().normalize();
            return this;
        }

        public ServerConfig build() {
            boolean servesTls = tls || requireTls || tlsCertificate != null;
            if (servesTls && maxJsonBytes >= MIN_JSON_LENGTH_STARTING_LIKE_TLS) {
                throw new IllegalArgumentException("With TLS the JSON limit must stay below "
                        + MIN_JSON_LENGTH_STARTING_LIKE_TLS + " bytes (0x16000000): a longer JSON part would make a plain"
                        + " frame begin with 0x16, the first byte of a TLS handshake.");
            }
            return new ServerConfig(this);
        }
    }
}
