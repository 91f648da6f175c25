package org.fita.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.fita.protocol.Extensions;
import org.junit.jupiter.api.Test;

class ParallelismTest {
    private static final Capabilities FITA = new Capabilities("FiTA", 1, Set.of(Extensions.PIPELINING, Extensions.BLOCK_SIZE),
            4096, 1 << 24, Long.MAX_VALUE, 1000, 0, 0);

    @Test
    void itOpensTheWindowAtOnceThenAddsConnectionsWhileThroughputImproves() {
        Parallelism p = new Parallelism(TransferOptions.DEFAULTS, FITA, 1 << 20);
        assertEquals(TransferOptions.MAX_WINDOW, p.window(), "32 MiB of 1 MiB blocks from the first request");
        assertEquals(1, p.lanes());
        double speed = 10;
        assertTrue(p.observe(speed), "the window is open already: a connection is added");
        assertEquals(2, p.lanes());
        assertFalse(p.observe(speed), "no gain: no growth");
        assertFalse(p.observe(speed * 1.05));
        assertFalse(p.observe(speed * 10), "settled after two steps without gain");
        assertEquals(2, p.lanes());
    }

    @Test
    void largeBlocksStartWithTheStartingBytesAndDoubleWithinTheBudget() {
        Parallelism p = new Parallelism(TransferOptions.DEFAULTS, FITA, 8 << 20);
        assertEquals(4, p.window(), "32 MiB of 8 MiB blocks");
        assertEquals(8, p.budget(), "64 MiB of 8 MiB blocks");
        assertFalse(p.observe(10));
        assertEquals(8, p.window());
        assertTrue(p.observe(100), "the window never passes the budget: a connection is added instead");
        assertEquals(8, p.window());
    }

    @Test
    void theBudgetBoundsBlocksInFlightOverEveryLaneAndAFixedWindowIsCutToIt() throws InterruptedException {
        Parallelism p = new Parallelism(new TransferOptions(64, 256, 0, false, 0), FITA, 1 << 20);
        assertEquals(64, p.budget());
        assertEquals(64, p.window(), "a fixed window of 256 MiB is cut to the 64 MiB budget");
        for (int i = 0; i < 64; i++) {
            assertTrue(p.tryAcquire());
        }
        assertFalse(p.tryAcquire(), "no room past the budget");
        assertFalse(p.acquire(20), "a waiting lane gives up at its deadline");
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            p.release();
        });
        releaser.start();
        assertTrue(p.acquire(10_000), "a reply elsewhere frees room for a waiting lane");
        assertEquals(64, p.inFlight());
        releaser.join();
        Parallelism tiny = new Parallelism(TransferOptions.DEFAULTS, FITA, 1 << 24);
        assertEquals(4, tiny.budget(), "16 MiB blocks: four in flight");
    }

    @Test
    void fixedSettingsOverrideAndClassicServersStayStopAndWait() {
        Parallelism fixed = new Parallelism(new TransferOptions(3, 5, 0, false, 0), FITA, 1 << 20);
        assertEquals(3, fixed.lanes());
        assertEquals(5, fixed.window());
        assertFalse(fixed.observe(1e9));
        assertEquals(5, fixed.window());

        Parallelism classic = new Parallelism(TransferOptions.DEFAULTS, Capabilities.classic(), 20480);
        assertEquals(1, classic.window());
        assertTrue(classic.observe(100), "only connections grow");
        assertEquals(1, classic.window());
        assertEquals(2, classic.lanes());
    }
}
