package org.fita.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * FITA_TRACE_PHASES=1: at exit, prints to standard error when each phase of the command began, in
 * milliseconds since the JVM started, to see where the command's own time goes beside the
 * transfer. Costs nothing when unset.
 */
final class Phases {
    static final String VARIABLE = "FITA_TRACE_PHASES";
    private static final boolean ON = System.getenv(VARIABLE) != null;
    private static final List<String> NAMES = new ArrayList<>();
    private static final List<Long> TIMES = new ArrayList<>();

    private Phases() {
    }

    static void mark(String phase) {
        if (ON) {
            synchronized (NAMES) {
                NAMES.add(phase);
                TIMES.add(System.nanoTime());
            }
        }
    }

    /** Prints the phases; the JVM's uptime is read only now, so that reading it does not shift them. */
    static void print(PrintStream err) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        synchronized (NAMES) {
            for (int i = 0; i < NAMES.size(); i++) {
                err.printf("fita: phase %-28s at %6.1f ms%n", NAMES.get(i), uptime - (now - TIMES.get(i)) / 1e6);
            }
        }
        err.flush();
    }
}
