package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;

/** The bandwidth limit is the transfer's, whatever the number of connections that share it. */
class BandwidthLimitTest {
    private static final int SIZE = 6 << 20;
    private static final long LIMIT = 3 << 20;
    private static final int CONNECTIONS = 4;

    @Test
    void fourConnectionsTogetherStayUnderTheLimit() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("limited")) {
            Path file = f.file("in/limited", SIZE, 7);
            TransferOptions options = new TransferOptions(CONNECTIONS, 2, 1 << 20, false, LIMIT);

            TransferResult up = s.upload(file, "limited", options, TransferListener.NONE).await();
            TransferResult down = s.download("limited", f.local.resolve("out/limited"), options, TransferListener.NONE)
                    .await();

            // Two seconds at the limit; a limit per connection would let four through in half a second.
            double fastest = 0.8 * SIZE / LIMIT;
            assertTrue(up.elapsed().toMillis() / 1000.0 >= fastest, () -> "upload took " + up.elapsed());
            assertTrue(down.elapsed().toMillis() / 1000.0 >= fastest, () -> "download took " + down.elapsed());
        }
    }
}
