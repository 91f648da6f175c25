package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A classic client's whole round trip against the standalone jar: login, upload, download. */
class ClassicTransferIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @Test
    void uploadsAndDownloadsOneMebibyteInClassicBlocks() throws Exception {
        ServerProcess server = servers.start(root);
        byte[] file = TestData.random(1 << 20, 11);
        String key = "one-mebibyte.bin";

        try (StepClient client = StepClient.connect(server.port())) {
            String token = client.login("alice", TestData.classicPassword("alice"));

            StepMessage plan = client.request(Requests.fileSave(token, key, file.length));
            assertEquals(200, plan.status(), plan::toString);
            assertEquals(Blocks.CLASSIC_BLOCK_SIZE, plan.integer(Fields.BLOCK_SIZE).orElse(-1), "block_size");
            assertEquals(52, plan.integer(Fields.TOTAL_BLOCK).orElse(-1), "total_block of 1 MiB in 20480-byte blocks");
            // A classic client must see no FiTA field.
            assertFalse(plan.has(Fields.RECEIVED_BITMAP), plan::toString);

            StepMessage reply = null;
            for (long i = 0; i < 52; i++) {
                reply = client.upload(token, key, file, Blocks.CLASSIC_BLOCK_SIZE, i);
                StepMessage shown = reply;
                assertEquals(200, reply.status(), shown::toString);
                if (i < 51) {
                    assertFalse(reply.has(Fields.MD5), () -> "md5 before the last block: " + shown);
                }
            }
            assertEquals(TestData.md5Hex(file), reply.string(Fields.MD5).orElse("(no md5)"), "md5 of the completing reply");

            assertArrayEquals(file, client.download(token, key), "downloaded bytes");
        }
    }
}
