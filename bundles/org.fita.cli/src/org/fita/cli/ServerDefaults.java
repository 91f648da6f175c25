package org.fita.cli;

import java.util.Locale;
import org.fita.server.ServerConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code fita-server}'s options, read from {@link ServerConfig#builder()} so that
 * they are written down in one place, and shown in the usage help in the form the options take.
 */
final class ServerDefaults implements IDefaultValueProvider {
    private static final ServerConfig DEFAULTS = ServerConfig.builder().build();

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return switch (option.longestName()) {
            case "--host" -> DEFAULTS.host();
            case "--port" -> Integer.toString(DEFAULTS.port());
            case "--root" -> DEFAULTS.root().toString();
            case "--auth" -> DEFAULTS.authMode().name().toLowerCase(Locale.ROOT);
            case "--max-connections" -> Integer.toString(DEFAULTS.maxConnections());
            case "--idle-timeout" -> Long.toString(DEFAULTS.idleTimeout().toSeconds());
            case "--max-connections-per-address" -> Integer.toString(DEFAULTS.maxConnectionsPerAddress());
            case "--login-grace-time" -> Long.toString(DEFAULTS.loginGraceTime().toSeconds());
            case "--write-timeout" -> Long.toString(DEFAULTS.writeTimeout().toSeconds());
            case "--max-json-bytes" -> ByteSizes.format(DEFAULTS.maxJsonBytes());
            case "--max-block-size" -> ByteSizes.format(DEFAULTS.maxBlockSize());
            case "--max-file-size" -> ByteSizes.format(DEFAULTS.maxFileSize());
            case "--token-ttl" -> Durations.format(DEFAULTS.tokenTtl());
            case "--upload-ttl" -> DEFAULTS.uploadTtl().toHours() % 24 == 0 ? DEFAULTS.uploadTtl().toDays() + "d"
                    : Durations.format(DEFAULTS.uploadTtl());
            default -> null;
        };
    }
}
