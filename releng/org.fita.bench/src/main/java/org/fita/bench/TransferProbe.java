package org.fita.bench;

import java.util.concurrent.atomic.AtomicInteger;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferListener;

/**
 * Listens to one transfer: when its plan was known, when its last byte was counted (so that the
 * time after it, spent verifying and syncing, can be told apart), and the most connections and
 * widest window it reported using.
 */
final class TransferProbe implements TransferListener {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger window = new AtomicInteger();
    private volatile long startedAt;
    private volatile long lastByteAt;

    @Override
    public void onEvent(TransferEvent event) {
        if (event instanceof TransferEvent.Started) {
            startedAt = System.nanoTime();
        } else if (event instanceof TransferEvent.Progress p) {
            connections.accumulateAndGet(p.connections(), Math::max);
            window.accumulateAndGet(p.window(), Math::max);
            if (p.bytesDone() == p.size()) {
                lastByteAt = System.nanoTime();
            }
        }
    }

    long startedAt() {
        return startedAt;
    }

    long lastByteAt() {
        return lastByteAt;
    }

    /** "connections × window", or a dash if the transfer ended before its first progress report. */
    String describe() {
        return connections.get() == 0 ? "–" : connections.get() + " × " + window.get();
    }
}
