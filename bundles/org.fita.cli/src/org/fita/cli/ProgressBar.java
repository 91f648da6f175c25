package org.fita.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferInfo.Direction;
import org.fita.transfer.TransferListener;

/**
 * One line on a terminal, redrawn in place with a carriage return as a transfer's events arrive:
 * {@code upload big.bin  42% [########------------] 84.0 MiB/200.0 MiB  25.3 MiB/s  ETA 0:05  4x8}
 * (percent, bytes done and total, speed, time left, connections x requests in flight per connection).
 */
final class ProgressBar implements TransferListener {
    private static final int BAR_WIDTH = 20;
    private static final int NAME_WIDTH = 24;

    private final PrintWriter terminal;
    private long size;
    private long done;
    private int lastLength;
    /** Connections still winding down may report after the end; the line is closed by then. */
    private boolean ended;

    ProgressBar(PrintWriter terminal) {
        this.terminal = terminal;
    }

    /** Events come from the transfer's threads; drawing is serialised so that lines never interleave. */
    @Override
    public synchronized void onEvent(TransferEvent event) {
        if (ended) {
            return;
        }
        if (event instanceof TransferEvent.Started s) {
            size = s.size();
            done = s.alreadyDone();
            draw(line(event, done, size, "", ""));
        } else if (event instanceof TransferEvent.Progress p) {
            done = p.bytesDone();
            draw(line(event, done, p.size(), ByteSizes.human((long) p.bytesPerSecond()) + "/s",
                    "ETA " + eta(p.etaSeconds()) + "  " + p.connections() + "x" + p.window()));
        } else if (event instanceof TransferEvent.Paused) {
            draw(line(event, done, size, "paused", ""));
        } else if (event instanceof TransferEvent.Verified v) {
            draw(line(event, v.size(), v.size(), "done", ""));
            endLine();
        } else if (event instanceof TransferEvent.Failed || event instanceof TransferEvent.Cancelled) {
            // The error message follows on a line of its own; the bar shows how far it got.
            endLine();
        }
    }

    private static String line(TransferEvent event, long done, long size, String speed, String rest) {
        int percent = size <= 0 ? 100 : (int) (done * 100 / size);
        int filled = percent * BAR_WIDTH / 100;
        String name = TerminalText.escape(event.transfer().key());
        if (name.length() > NAME_WIDTH) {
            name = "..." + name.substring(name.length() - NAME_WIDTH + 3);
        }
        return String.format(Locale.ROOT, "%s %s %3d%% [%s%s] %s/%s  %s  %s",
                event.transfer().direction() == Direction.UPLOAD ? "upload" : "download", name, percent,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), ByteSizes.human(done), ByteSizes.human(size),
                speed, rest).stripTrailing();
    }

    private static String eta(long seconds) {
        if (seconds < 0) {
            return "--:--";
        }
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    private void draw(String line) {
        // Spaces cover the end of a longer line drawn before.
        terminal.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        terminal.flush();
        lastLength = line.length();
    }

    private void endLine() {
        ended = true;
        terminal.println();
        terminal.flush();
    }
}
