package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;

/**
 * Over a long link (a delay line in front of a real server) the window opens at once, and the
 * requests in flight of all connections together never pass {@link TransferOptions#MAX_IN_FLIGHT_BYTES},
 * whatever window and connections are asked for.
 */
class InFlightBoundTest {
    private static final int BLOCK = 1 << 20;
    private static final long BUDGET_BLOCKS = TransferOptions.MAX_IN_FLIGHT_BYTES / BLOCK;
    /** More than the budget, so that a transfer without it could pass it. */
    private static final int SIZE = (int) (BUDGET_BLOCKS + 16) * BLOCK;
    private static final long DELAY_MILLIS = 300;

    @Test
    void manyConnectionsWithWideWindowsShareOneBoundedBudget() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b);
                InFlightProxy proxy = new InFlightProxy(f.address(), DELAY_MILLIS);
                StepSession s = StepSession.connect(proxy.address(), "wide", StepSession.classicPassword("wide"))) {
            Path file = f.file("in/wide", SIZE, 11);
            // Four connections of 64 requests each would be 256 blocks in flight.
            TransferOptions wide = new TransferOptions(4, 64, BLOCK, false, 0);

            proxy.reset();
            TransferResult up = s.upload(file, "wide", wide, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), up.md5());
            int upMost = proxy.mostInFlight();
            assertTrue(upMost <= BUDGET_BLOCKS, () -> "upload had " + upMost + " blocks in flight");
            assertTrue(upMost > BUDGET_BLOCKS / 2, () -> "the upload's connections filled the budget: " + upMost);

            proxy.reset();
            Path copy = f.local.resolve("out/wide");
            TransferResult down = s.download("wide", copy, wide, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), EngineFixture.md5(copy));
            assertEquals(up.md5(), down.md5());
            int downMost = proxy.mostInFlight();
            assertTrue(downMost <= BUDGET_BLOCKS, () -> "download had " + downMost + " blocks in flight");
            assertTrue(downMost > BUDGET_BLOCKS / 2, () -> "the download's connections filled the budget: " + downMost);
        }
    }

    @Test
    void theDefaultsOpenTheWindowOnTheFirstConnection() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b);
                InFlightProxy proxy = new InFlightProxy(f.address(), 0);
                StepSession s = StepSession.connect(proxy.address(), "open", StepSession.classicPassword("open"))) {
            // The old start (two requests in flight, doubling every 300 ms while it helped) sent 2 here.
            Path file = f.file("in/open", 24 * BLOCK, 12);
            proxy.reset();
            proxy.holdUntil(24, 10_000);
            s.upload(file, "open", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertEquals(24, proxy.mostInFlight(), "every block was sent before the first reply");

            proxy.reset();
            proxy.holdUntil(24, 10_000);
            Path copy = f.local.resolve("out/open");
            s.download("open", copy, TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), EngineFixture.md5(copy));
            assertEquals(24, proxy.mostInFlight(), "every block was asked for before the first reply");
        }
    }
}
