package org.fita.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large downloads: blocks hashed from the lanes' buffers, written with direct I/O where the block
 * size allows, read by the server whole and past its page cache; and the same when no memory is left
 * for hashing from buffers, so every block is read back from the part file.
 */
class LargeDownloadTest {
    /** Above both sides' direct I/O threshold (16 MiB), with a tail that ends inside a page. */
    private static final int SIZE = (17 << 20) + 1234;

    @TempDir
    Path root;
    @TempDir
    Path local;
    private StepServer server;
    private byte[] data;
    private Path source;

    @BeforeEach
    void start() throws IOException {
        server = StepServer.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false).build());
        data = new byte[SIZE];
        new Random(12).nextBytes(data);
        source = Files.write(local.resolve("source.bin"), data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 300_000, 256 << 10})
    void aLargeFileDownloadsIntactInEveryBlockSize(int blockSize) throws Exception {
        roundTrip(new TransferOptions(2, 0, blockSize, false, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 64 << 10})
    void withNoMemoryLeftForHashingEveryBlockIsReadBack(int blockSize) throws Exception {
        // Other downloads hold the JVM's whole room: only the block the hasher needs next may wait in memory.
        Download.SHARED_IN_USE.addAndGet(Download.HASH_AHEAD_SHARED);
        try {
            roundTrip(new TransferOptions(4, 0, blockSize, false, 0));
        } finally {
            Download.SHARED_IN_USE.addAndGet(-Download.HASH_AHEAD_SHARED);
        }
    }

    private void roundTrip(TransferOptions options) throws Exception {
        try (StepSession s = StepSession.connect(new ServerAddress("127.0.0.1", server.port()), "u1",
                StepSession.classicPassword("u1"))) {
            s.upload(source, "big", options, TransferListener.NONE).await();
            Path target = local.resolve("out/big.bin");
            long room = Download.SHARED_IN_USE.get();
            TransferResult down = s.download("big", target, options, TransferListener.NONE).await();
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)), down.md5());
            assertArrayEquals(data, Files.readAllBytes(target));
            assertFalse(Files.exists(target.resolveSibling("big.bin.part")));
            assertEquals(room, Download.SHARED_IN_USE.get(), "the room for hashing from memory is given back");
        }
    }
}
