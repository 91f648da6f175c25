package org.fita.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a command gets a password without it appearing on the command line (where {@code ps} and
 * shell history would show it): the {@value #ENVIRONMENT_VARIABLE} environment variable, else the
 * terminal without echo, else one line of standard input (for pipes and scripts).
 */
public final class PasswordInput {
    public static final String ENVIRONMENT_VARIABLE = "FITA_PASSWORD";

    private PasswordInput() {
    }

    /**
     * @param confirm ask twice on a terminal, so a typo does not become the password
     * @throws IllegalArgumentException if the entries differ or no password was given
     */
    public static String read(String prompt, boolean confirm) throws IOException {
        Optional<String> given = fromEnvironmentOrTerminal(prompt, confirm);
        return given.isPresent() ? given.get() : fromStandardInput();
    }

    /**
     * The {@value #ENVIRONMENT_VARIABLE} environment variable, else the terminal; empty when there
     * is neither (a pipe or a script), so that the caller chooses the fallback.
     */
    public static Optional<String> fromEnvironmentOrTerminal(String prompt, boolean confirm) {
        String fromEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            return Optional.of(fromEnvironment);
        }
        Console console = System.console();
        if (console != null) {
            return Optional.of(fromConsole(console, prompt, confirm));
        }
        return Optional.empty();
    }

    private static String fromConsole(Console console, String prompt, boolean confirm) {
        char[] first = console.readPassword("%s: ", prompt);
        if (first == null) {
            throw new IllegalArgumentException("No password was entered.");
        }
        try {
            if (confirm) {
                char[] second = console.readPassword("%s (again): ", prompt);
                try {
                    if (second == null || !Arrays.equals(first, second)) {
                        throw new IllegalArgumentException("The two passwords differ; nothing was changed.");
                    }
                } finally {
                    if (second != null) {
                        Arrays.fill(second, '\0');
                    }
                }
            }
            return new String(first);
        } finally {
            Arrays.fill(first, '\0');
        }
    }

    private static String fromStandardInput() throws IOException {
        // Not closed: closing would close System.in for the rest of the process.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        String line = in.readLine();
        if (line == null) {
            throw new IllegalArgumentException("No password: set " + ENVIRONMENT_VARIABLE
                    + ", run in a terminal, or write the password as one line to standard input.");
        }
        return line;
    }
}
