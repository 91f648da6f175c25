package org.fita.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells this boot of the machine from earlier ones, to know whether unsynced writes could have
 * been lost (a process crash keeps them, a machine crash may not). Empty where the system does not
 * say; then every journal line is trusted, as after a process crash.
 */
final class BootId {
    private static final String CURRENT = read();

    private BootId() {
    }

    static String current() {
        return CURRENT;
    }

    private static String read() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
