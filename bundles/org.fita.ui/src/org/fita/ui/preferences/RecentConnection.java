package org.fita.ui.preferences;

import java.util.Optional;
import org.fita.transfer.ServerAddress;

/** A server and user connected to before, written "user@host:port". */
public record RecentConnection(String user, ServerAddress server) {

    public String id() {
        return user + "@" + server;
    }

    /** Reads {@link #id()}; empty for a malformed line. Usernames may hold '@', hosts may not. */
    public static Optional<RecentConnection> parse(String id) {
        int at = id.lastIndexOf('@');
        if (at <= 0 || at == id.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RecentConnection(id.substring(0, at), ServerAddress.parse(id.substring(at + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
