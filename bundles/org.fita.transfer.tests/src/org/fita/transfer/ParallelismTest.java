package org.fita.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.fita.protocol.Extensions;
import org.junit.jupiter.api.Test;

class ParallelismTest {
    private static final Capabilities FITA = new Capabilities("FiTA", 1, Set.of(Extensions.PIPELINING, Extensions.BLOCK_SIZE),
            4096, 1 << 24, Long.MAX_VALUE, 1000);

    @Test
    void itGrowsTheWindowThenConnectionsWhileThroughputImproves() {
        Parallelism p = new Parallelism(TransferOptions.DEFAULTS, FITA);
        assertEquals(2, p.window());
        assertEquals(1, p.lanes());
        double speed = 10;
        for (int window = 4; window <= TransferOptions.MAX_WINDOW; window *= 2) {
            speed *= 1.5;
            assertFalse(p.observe(speed));
            assertEquals(window, p.window());
        }
        speed *= 1.5;
        assertTrue(p.observe(speed), "then a connection is added");
        assertEquals(2, p.lanes());
        assertFalse(p.observe(speed), "no gain: no growth");
        assertFalse(p.observe(speed * 1.05));
        assertFalse(p.observe(speed * 10), "settled after two steps without gain");
        assertEquals(2, p.lanes());
    }

    @Test
    void fixedSettingsOverrideAndClassicServersStayStopAndWait() {
        Parallelism fixed = new Parallelism(new TransferOptions(3, 5, 0, false, 0), FITA);
        assertEquals(3, fixed.lanes());
        assertEquals(5, fixed.window());
        assertFalse(fixed.observe(1e9));
        assertEquals(5, fixed.window());

        Parallelism classic = new Parallelism(TransferOptions.DEFAULTS, Capabilities.classic());
        assertEquals(1, classic.window());
        assertTrue(classic.observe(100), "only connections grow");
        assertEquals(1, classic.window());
        assertEquals(2, classic.lanes());
    }
}
