package org.fita.ui.preferences;

import java.util.Optional;
import org.fita.transfer.ServerAddress;

/**
 * A server and user connected to before, written "user@host:port", or "steps://user@host:port"
 * when the connection used TLS. Lines saved before TLS existed have no scheme and load as plain.
 */
public record RecentConnection(String user, ServerAddress server, boolean tls) {
    /** The scheme of a TLS connection, as {@code fita} takes it in a server URL. */
    public static final String TLS_SCHEME = "steps://";

    public RecentConnection(String user, ServerAddress server) {
        this(user, server, false);
    }

    /** The line in the recent list and the Server combo. */
    public String id() {
        return (tls ? TLS_SCHEME : "") + account();
    }

    /** "user@host:port", the same with or without TLS: the stored password belongs to it. */
    public String account() {
        return user + "@" + server;
    }

    /** The same account with TLS on or off. */
    public RecentConnection withTls(boolean on) {
        return new RecentConnection(user, server, on);
    }

    /** Reads {@link #id()}; empty for a malformed line. Usernames may hold '@', hosts may not. */
    public static Optional<RecentConnection> parse(String id) {
        boolean tls = id.regionMatches(true, 0, TLS_SCHEME, 0, TLS_SCHEME.length());
        String rest = tls ? id.substring(TLS_SCHEME.length()) : id;
        int at = rest.lastIndexOf('@');
        if (at <= 0 || at == rest.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RecentConnection(rest.substring(0, at), ServerAddress.parse(rest.substring(at + 1)),
                    tls));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
