package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferListener;

/** A listener a test waits on until its transfer has moved more than a number of bytes. */
final class MovedBeyond implements TransferListener {
    private final long bytes;
    private final CountDownLatch reached = new CountDownLatch(1);

    MovedBeyond(long bytes) {
        this.bytes = bytes;
    }

    @Override
    public void onEvent(TransferEvent event) {
        if (event instanceof TransferEvent.Progress p && p.bytesDone() > bytes) {
            reached.countDown();
        }
    }

    /** Returns once the transfer moved more than the bytes; fails after 20 s. */
    void await() throws InterruptedException {
        assertTrue(reached.await(20, TimeUnit.SECONDS), "more than " + bytes + " bytes were moved");
    }
}
