package org.fita.transfer;

/** Where a STEP server listens. */
public record ServerAddress(String host, int port) {
    public static final int DEFAULT_PORT = 1379;

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("The server's host is empty.");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The server's port must be within 1..65535, not " + port + ".");
        }
    }

    /** Parses {@code host}, {@code host:port} or {@code [v6]:port}. */
    public static ServerAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' is not host:port.");
            }
            String host = t.substring(1, close);
            return new ServerAddress(host, close + 1 < t.length() ? port(t.substring(close + 2), text) : DEFAULT_PORT);
        }
        if (colon < 0 || t.indexOf(':') != colon) {
            return new ServerAddress(t, DEFAULT_PORT);
        }
        return new ServerAddress(t.substring(0, colon), port(t.substring(colon + 1), text));
    }

    private static int port(String s, String whole) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' has no valid port number.");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
