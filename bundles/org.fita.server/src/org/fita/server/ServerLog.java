package org.fita.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log: one line per event, to the console and to {@code log/fita-server.N.log} under
 * the storage root (10 MiB per file, 5 files kept). Each server has its own logger, so several
 * servers in one process (tests, the workbench) never mix their files. Safe from many threads:
 * java.util.logging handlers serialise publishing.
 */
public final class ServerLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int FILE_LIMIT = 10 << 20;
    private static final int FILE_COUNT = 5;

    private final Logger logger;
    private final FileHandler file;
    private final Path directory;

    ServerLog(Path root, boolean console, PrintStream consoleStream, ServerListener sink) throws IOException {
        this.directory = Files.createDirectories(root.resolve("log"));
        this.logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.INFO);
        Formatter format = new LineFormatter();
        file = new FileHandler(directory.resolve("fita-server.%g.log").toString(), FILE_LIMIT, FILE_COUNT, true);
        file.setFormatter(format);
        file.setEncoding("UTF-8");
        file.setErrorManager(new LogFileErrors(System.err, directory));
        logger.addHandler(file);
        if (console) {
            logger.addHandler(new Handler() {
                // A lock, not synchronized: virtual threads log too, and must not pin their carrier on I/O.
                private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

                @Override
                public void publish(LogRecord record) {
                    String text = format.format(record);
                    lock.lock();
                    try {
                        consoleStream.print(text);
                        consoleStream.flush();
                    } finally {
                        lock.unlock();
                    }
                }

                @Override
                public void flush() {
                    consoleStream.flush();
                }

                @Override
                public void close() {
                    flush();
                }
            });
        }
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String line = format.format(record);
                sink.logged(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    public Path directory() {
        return directory;
    }

    void info(String message) {
        logger.info(message);
    }

    void warn(String message) {
        logger.warning(message);
    }

    void error(String message, Throwable t) {
        logger.log(Level.SEVERE, message, t);
    }

    void close() {
        for (Handler h : logger.getHandlers()) {
            logger.removeHandler(h);
            h.close();
        }
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160);
            line.append(LocalDateTime.now().format(TIME)).append(' ');
            String level = record.getLevel() == Level.SEVERE ? "ERROR" : record.getLevel() == Level.WARNING ? "WARN" : "INFO";
            // Messages quote what clients sent: escaped here, so every record is exactly one line.
            line.append(String.format("%-5s", level)).append(' ').append(LogText.escape(formatMessage(record)))
                    .append('\n');
            if (record.getThrown() != null) {
                appendTrace(line, record.getThrown(), "");
            }
            return line.toString();
        }

        /** A stack trace whose continuation lines start with a tab; exception messages are escaped too. */
        private static void appendTrace(StringBuilder out, Throwable t, String caption) {
            java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Throwable cause = t; cause != null && seen.add(cause); cause = cause.getCause()) {
                out.append('\t').append(cause == t ? caption : "Caused by: ").append(LogText.escape(cause.toString()))
                        .append('\n');
                for (StackTraceElement frame : cause.getStackTrace()) {
                    out.append("\t\tat ").append(frame).append('\n');
                }
            }
        }
    }

    /**
     * Says in one line, at most once a minute, that the log file cannot be written (a full disk,
     * most often), instead of java.util.logging's stack trace for every line.
     */
    private static final class LogFileErrors extends java.util.logging.ErrorManager {
        private static final long QUIET_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        private final PrintStream out;
        private final Path directory;
        private long lastReported = System.nanoTime() - QUIET_NANOS;

        LogFileErrors(PrintStream out, Path directory) {
            this.out = out;
            this.directory = directory;
        }

        @Override
        public synchronized void error(String msg, Exception ex, int code) {
            long now = System.nanoTime();
            if (now - lastReported < QUIET_NANOS) {
                return;
            }
            lastReported = now;
            out.println("fita-server: cannot write the log file in " + directory + " ("
                    + (ex != null ? ex.getMessage() : msg) + "); the server keeps running, but its log lines are"
                    + " missing from the file until it can be written again (free space there).");
            out.flush();
        }
    }
}
