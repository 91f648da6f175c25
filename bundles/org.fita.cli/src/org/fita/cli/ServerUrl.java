package org.fita.cli;

import java.util.Locale;
import org.fita.transfer.ServerAddress;

/**
 * A server as the user names it: {@code host:port}, {@code step://host:port} (plain STEP) or
 * {@code steps://host:port} (STEP over TLS, as https is HTTP over TLS). The port defaults to
 * {@value ServerAddress#DEFAULT_PORT} in every form; TLS shares it with plain STEP.
 */
record ServerUrl(ServerAddress address, boolean tls) {
    static final String PLAIN_SCHEME = "step://";
    static final String TLS_SCHEME = "steps://";

    static ServerUrl parse(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        boolean tls = lower.startsWith(TLS_SCHEME);
        if (tls) {
            t = t.substring(TLS_SCHEME.length());
        } else if (lower.startsWith(PLAIN_SCHEME)) {
            t = t.substring(PLAIN_SCHEME.length());
        } else if (lower.contains("://")) {
            throw new IllegalArgumentException("'" + text + "': the server is HOST:PORT, " + PLAIN_SCHEME + "HOST:PORT or "
                    + TLS_SCHEME + "HOST:PORT.");
        }
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return new ServerUrl(ServerAddress.parse(t), tls);
    }

    @Override
    public String toString() {
        return (tls ? TLS_SCHEME : "") + address;
    }
}
