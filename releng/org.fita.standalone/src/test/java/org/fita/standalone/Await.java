package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** Waiting for a condition that a running process brings about, instead of sleeping for a guessed time. */
final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws IOException;
    }

    /** Polls {@code condition} while {@code run} is alive; fails if it ends first or the time runs out. */
    static void until(String what, Duration timeout, ProcessRun run, Condition condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holds(condition)) {
            if (!run.process().isAlive()) {
                fail("The process ended before " + what + ":\n" + run.result().describe());
            }
            if (System.nanoTime() > deadline) {
                fail("Not " + what + " within " + timeout.toSeconds() + " s:\n" + run.result().describe());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** A file that vanished or changed while it was read makes the condition false for this round. */
    private static boolean holds(Condition condition) {
        try {
            return condition.holds();
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Block indices recorded in journal-like files: lines of digits only, as in the server's upload
     * journals ({@code users/U/uploads/K.journal}) and the client's {@code NAME.part.fita}.
     */
    static long blockLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> !l.isEmpty() && l.chars().allMatch(Character::isDigit)).count();
        }
    }

    /** Blocks the server holds of its unfinished uploads, over every upload journal under its storage root. */
    static long blocksHeldByServer(Path root) throws IOException {
        List<Path> journals;
        try (Stream<Path> all = Files.walk(root)) {
            journals = all.filter(p -> p.getFileName().toString().endsWith(".journal")
                    && p.getParent().getFileName().toString().equals("uploads")).toList();
        }
        long held = 0;
        for (Path journal : journals) {
            held += blockLines(journal);
        }
        return held;
    }
}
