package org.fita.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Builds and runs the picocli command lines of the FiTA commands with one policy: usage errors
 * print picocli's message and usage and exit {@link ExitCodes#USAGE}; expected failures print only
 * their message (it is written for people) and exit {@link ExitCodes#FAILURE}.
 */
public final class CommandLines {
    private CommandLines() {
    }

    public static CommandLine create(Object command) {
        CommandLine line = new CommandLine(command);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler(new FailureHandler());
        return line;
    }

    /** Runs {@code command} and returns its exit code; never calls {@code System.exit}. */
    public static int run(Object command, String... args) {
        return create(command).execute(args);
    }

    private static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine line, ParseResult parsed) {
            if (isExpected(e)) {
                line.getErr().println(line.getColorScheme().errorText(line.getCommandSpec().qualifiedName() + ": "
                        + TerminalText.escape(e.getMessage())));
            } else {
                // Anything else is a bug: the stack trace is what a report needs.
                e.printStackTrace(line.getErr());
            }
            return ExitCodes.FAILURE;
        }

        private static boolean isExpected(Exception e) {
            return e.getMessage() != null && (e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException);
        }
    }
}
