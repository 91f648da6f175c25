package org.fita.ui.preferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.ui.preferences.ScopedPreferenceStore;
import org.fita.server.auth.AuthMode;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.TransferOptions;

/** FiTA's preference keys and the values views read from them; defaults in {@link PreferenceDefaults}. */
public final class FitaPreferences {
    static final String QUALIFIER = "org.fita.ui";

    public static final String DEFAULT_SERVER = "client.defaultServer";
    public static final String DEFAULT_USER = "client.defaultUser";
    public static final String RECENT_CONNECTIONS = "client.recentConnections";
    public static final String LAST_DOWNLOAD_FOLDER = "client.lastDownloadFolder";
    /** Ask before exiting while transfers run. */
    public static final String CONFIRM_EXIT = "client.confirmExitWithTransfers";
    /** Refuse plain STEP to any server but this computer's (127.0.0.1, ::1, localhost). */
    public static final String REQUIRE_TLS_EXCEPT_LOCAL = "client.requireTlsExceptLocal";
    public static final String BLOCK_SIZE_KIB = "transfer.blockSizeKiB";
    public static final String PARALLELISM = "transfer.parallelism";
    public static final String CONNECTIONS = "transfer.connections";
    public static final String WINDOW = "transfer.window";
    public static final String BANDWIDTH_KIB = "transfer.bandwidthLimitKiB";
    public static final String TRANSFERS_AT_ONCE = "transfer.atOnce";
    /** How often a transfer whose connections broke tries again (0: never), and for how long. */
    public static final String RECONNECT_ATTEMPTS = "transfer.reconnectAttempts";
    public static final String RECONNECT_WITHIN_SECONDS = "transfer.reconnectWithinSeconds";
    /** The most transfers the preference may let run at once: each may open several connections. */
    public static final int MAX_TRANSFERS_AT_ONCE = 16;
    public static final String SERVER_PORT = "server.port";
    public static final String SERVER_ROOT = "server.root";
    public static final String SERVER_AUTH = "server.auth";
    /** The Local Server serves TLS on its port too (a self-signed certificate kept under its root). */
    public static final String SERVER_TLS = "server.tls";
    /** ...and refuses plain STEP connections. */
    public static final String SERVER_REQUIRE_TLS = "server.requireTls";

    public static final String ADAPTIVE = "adaptive";
    public static final String FIXED = "fixed";
    static final int MAX_RECENT = 10;

    private static final IPreferenceStore STORE = new ScopedPreferenceStore(InstanceScope.INSTANCE, QUALIFIER);

    private FitaPreferences() {
    }

    public static IPreferenceStore store() {
        return STORE;
    }

    /** How transfers run, from the Transfers preferences. */
    public static TransferOptions transferOptions() {
        boolean fixed = FIXED.equals(STORE.getString(PARALLELISM));
        int attempts = Math.max(0, Math.min(1000, STORE.getInt(RECONNECT_ATTEMPTS)));
        RetryPolicy retry = attempts == 0 ? RetryPolicy.NONE : new RetryPolicy(attempts,
                Duration.ofSeconds(Math.max(1, STORE.getInt(RECONNECT_WITHIN_SECONDS))),
                RetryPolicy.DEFAULT.firstDelay(), RetryPolicy.DEFAULT.maxDelay());
        return new TransferOptions(fixed ? STORE.getInt(CONNECTIONS) : 0, fixed ? STORE.getInt(WINDOW) : 0,
                STORE.getInt(BLOCK_SIZE_KIB) * 1024, false, STORE.getInt(BANDWIDTH_KIB) * 1024L).withRetry(retry);
    }

    /** How many transfers run at once; the others wait as queued. */
    public static int transfersAtOnce() {
        return Math.max(1, Math.min(MAX_TRANSFERS_AT_ONCE, STORE.getInt(TRANSFERS_AT_ONCE)));
    }

    public static AuthMode serverAuth() {
        try {
            return AuthMode.valueOf(STORE.getString(SERVER_AUTH));
        } catch (IllegalArgumentException e) {
            return AuthMode.CLASSIC;
        }
    }

    /** The connections used last, newest first. */
    public static List<RecentConnection> recentConnections() {
        List<RecentConnection> recent = new ArrayList<>();
        for (String line : STORE.getString(RECENT_CONNECTIONS).split("\n")) {
            RecentConnection.parse(line).ifPresent(recent::add);
        }
        return recent;
    }

    /**
     * Puts {@code used} first, keeping at most {@value #MAX_RECENT}; it replaces the line of the
     * same account with the other TLS setting.
     */
    public static void remember(RecentConnection used) {
        List<RecentConnection> recent = recentConnections();
        recent.removeIf(c -> c.account().equals(used.account()));
        recent.add(0, used);
        StringBuilder lines = new StringBuilder();
        for (RecentConnection c : recent.subList(0, Math.min(MAX_RECENT, recent.size()))) {
            lines.append(c.id()).append('\n');
        }
        STORE.setValue(RECENT_CONNECTIONS, lines.toString());
        save();
    }

    /** The folder the last download went to; at first the home's Downloads folder, or the home. */
    public static Path lastDownloadFolder() {
        String last = STORE.getString(LAST_DOWNLOAD_FOLDER);
        if (!last.isBlank()) {
            try {
                return Path.of(last);
            } catch (InvalidPathException e) {
                // Fall back to the default below.
            }
        }
        Path home = Path.of(System.getProperty("user.home"));
        Path downloads = home.resolve("Downloads");
        return Files.isDirectory(downloads) ? downloads : home;
    }

    public static void rememberDownloadFolder(Path folder) {
        STORE.setValue(LAST_DOWNLOAD_FOLDER, folder.toString());
        save();
    }

    /** Writes the preferences now: a value set outside the Preferences dialog is otherwise lost on a crash. */
    public static void save() {
        if (STORE instanceof ScopedPreferenceStore scoped && scoped.needsSaving()) {
            try {
                scoped.save();
            } catch (IOException e) {
                // Kept in memory; the workbench saves its preferences again when it stops.
            }
        }
    }
}
