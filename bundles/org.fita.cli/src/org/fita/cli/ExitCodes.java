package org.fita.cli;

/** Process exit codes shared by the FiTA commands; scripts rely on them, so they never change. */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** The command was understood but failed: port in use, user exists, server unreachable. */
    public static final int FAILURE = 1;
    /** The command line itself is wrong: unknown option, bad value, missing argument. */
    public static final int USAGE = 2;
}
