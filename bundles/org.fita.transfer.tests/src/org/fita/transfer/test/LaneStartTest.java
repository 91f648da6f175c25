package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;

/**
 * A transfer's lanes connect while its plan is on the way, not after the plan came back: through a
 * slow link that is a round trip less before the first block. They open no more connections than
 * they use, and a server that refuses them is handled as before.
 */
class LaneStartTest {
    private static final int BLOCK = 1 << 20;
    private static final int LANES = 3;
    /** A bound, not a measure: a client that connects only after the plan waits this long once. */
    private static final long HOLD_MILLIS = 10_000;

    @Test
    void theLanesConnectWhileThePlanIsOnItsWay() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b);
                InFlightProxy proxy = new InFlightProxy(f.address(), 0);
                StepSession s = StepSession.connect(proxy.address(), "ahead", StepSession.classicPassword("ahead"))) {
            Path file = f.file("in/ahead", 6 * BLOCK + 17, 21);
            TransferOptions lanes = new TransferOptions(LANES, 4, BLOCK, false, 0);

            proxy.reset();
            proxy.holdNextRequestUntilConnections(LANES, HOLD_MILLIS);
            TransferResult up = s.upload(file, "ahead", lanes, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), up.md5());
            assertEquals(LANES, proxy.connectionsAtRelease(), "the lanes had connected when the plan went on");
            assertEquals(LANES, proxy.connections(), "one connection per lane, none more");

            proxy.reset();
            proxy.holdNextRequestUntilConnections(LANES, HOLD_MILLIS);
            Path copy = f.local.resolve("out/ahead");
            s.download("ahead", copy, lanes, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(file), EngineFixture.md5(copy));
            assertEquals(LANES, proxy.connectionsAtRelease(), "the lanes had connected when the plan went on");
            assertEquals(LANES, proxy.connections(), "one connection per lane, none more");
        }
    }

    @Test
    void aPlanThatFailsLeavesNoLaneBehindForTheNextTransfer() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b);
                InFlightProxy proxy = new InFlightProxy(f.address(), 0);
                StepSession s = StepSession.connect(proxy.address(), "missing", StepSession.classicPassword("missing"))) {
            TransferOptions lanes = new TransferOptions(LANES, 4, BLOCK, false, 0);
            proxy.reset();
            assertThrows(StepException.class,
                    () -> s.download("nothing-here", f.local.resolve("out/none"), lanes, TransferListener.NONE).await());
            int afterFailure = proxy.connections();
            assertTrue(afterFailure <= LANES, () -> afterFailure + " connections for a download that got no plan");

            // The next transfer uses the connections already open instead of opening more.
            Path file = f.file("in/next", 2 * BLOCK, 22);
            s.upload(file, "next", lanes, TransferListener.NONE).await();
            assertEquals(LANES, proxy.connections(), "the connections opened ahead were used by the next transfer");
        }
    }
}
