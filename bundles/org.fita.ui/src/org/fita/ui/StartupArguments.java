package org.fita.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fita.ui.preferences.RecentConnection;

/**
 * What the workbench does once its window is open, from its command line:
 * {@code -startServer} starts the local server; {@code -connect user@host:port} (or
 * {@code -connect local}) connects the Client Explorer; each {@code -upload PATH} is then uploaded.
 * Arguments meant for Eclipse itself pass through untouched.
 *
 * @param connect the explorer's connection, or empty
 * @param local   connect to the local server (its port is known once it runs)
 */
public record StartupArguments(boolean startServer, Optional<RecentConnection> connect, boolean local,
        List<Path> uploads) {
    public static final String LOCAL = "local";

    public static StartupArguments parse(String[] args) {
        boolean startServer = false;
        Optional<RecentConnection> connect = Optional.empty();
        boolean local = false;
        List<Path> uploads = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String next = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "-startServer" -> startServer = true;
                case "-connect" -> {
                    if (next == null) {
                        throw new IllegalArgumentException("-connect needs user@host:port or \"local\".");
                    }
                    i++;
                    if (LOCAL.equals(next)) {
                        local = true;
                    } else {
                        connect = Optional.of(RecentConnection.parse(next).orElseThrow(() ->
                                new IllegalArgumentException("-connect " + next + ": expected user@host:port.")));
                    }
                }
                case "-upload" -> {
                    if (next == null) {
                        throw new IllegalArgumentException("-upload needs a file or folder.");
                    }
                    i++;
                    uploads.add(Path.of(next).toAbsolutePath());
                }
                default -> {
                    // Not ours: Eclipse's own arguments, or an application's.
                }
            }
        }
        if (!uploads.isEmpty() && connect.isEmpty() && !local) {
            throw new IllegalArgumentException("-upload needs -connect: which server should receive the files?");
        }
        return new StartupArguments(startServer, connect, local, List.copyOf(uploads));
    }

    public boolean isEmpty() {
        return !startServer && connect.isEmpty() && !local;
    }
}
