package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upload then download, verified, against a FiTA server and against one in classic-only mode. */
class RoundTripTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void filesOfEverySizeRoundTrip(boolean classicOnly) throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(classicOnly)); StepSession s = f.session("u1")) {
            assertEquals(!classicOnly, s.capabilities().isFita());
            for (int size : new int[] {0, 1, 20480, 20481, 3 << 20}) {
                Path file = f.file("in/f" + size, size, size);
                TransferResult up = s.upload(file, "f" + size, TransferOptions.DEFAULTS, TransferListener.NONE).await();
                assertEquals(EngineFixture.md5(file), up.md5());
                Path back = f.local.resolve("out/f" + size);
                TransferResult down = s.download("f" + size, back, TransferOptions.DEFAULTS, TransferListener.NONE).await();
                assertEquals(up.md5(), down.md5());
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
                assertTrue(Files.notExists(back.resolveSibling(back.getFileName() + ".part")));
            }
        }
    }
}
