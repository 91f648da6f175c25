package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of an upload, then a new server process on the same storage root: the
 * blocks acknowledged before the crash are kept, and the upload completes with the right MD5,
 * whether the client asks which blocks are held (FiTA resume) or just sends the rest (classic).
 */
class CrashResumeIT {
    private static final String USER = "bob";
    private static final String KEY = "crash/six-mebibytes.bin";
    private static final int BLOCK = Blocks.CLASSIC_BLOCK_SIZE;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    /** ~6 MiB, with a short last block. */
    private final byte[] file = TestData.random(6 * 1024 * 1024 + 777, 23);
    private final int totalBlocks = (int) Blocks.totalBlocks(file.length, BLOCK);
    private BitSet sentBeforeCrash;

    @BeforeEach
    void uploadAboutHalfThenKillTheServer() throws Exception {
        sentBeforeCrash = scatteredHalf(totalBlocks, new Random(5));
        ServerProcess first = servers.start(root);
        try (StepClient client = StepClient.connect(first.port())) {
            String token = client.login(USER, TestData.classicPassword(USER));
            StepMessage plan = client.request(Requests.fileSave(token, KEY, file.length));
            assertEquals(200, plan.status(), plan::toString);
            assertEquals(totalBlocks, plan.integer(Fields.TOTAL_BLOCK).orElse(-1), "total_block");
            // Out of order too, as a multi-connection client would send them.
            List<Integer> order = new ArrayList<>(sentBeforeCrash.stream().boxed().toList());
            Collections.shuffle(order, new Random(7));
            for (int i : order) {
                StepMessage reply = client.upload(token, KEY, file, BLOCK, i);
                assertEquals(200, reply.status(), reply::toString);
            }
        }
        first.killHard();
    }

    @Test
    void fitaResumeListsTheBlocksHeldBeforeTheCrashAndCompletes() throws Exception {
        ServerProcess second = servers.start(root);
        try (StepClient client = StepClient.connect(second.port())) {
            String token = client.login(USER, TestData.classicPassword(USER));
            JsonObject resume = Requests.fita(Requests.fileSave(token, KEY, file.length));
            resume.addProperty(Fields.RESUME, true);

            StepMessage plan = client.request(resume);

            assertEquals(200, plan.status(), plan::toString);
            assertEquals(sentBeforeCrash.cardinality(), plan.integer(Fields.RECEIVED_COUNT).orElse(-1), "received_count");
            BitSet held = BitSet.valueOf(Base64.getDecoder().decode(plan.string(Fields.RECEIVED_BITMAP).orElseThrow()));
            assertEquals(sentBeforeCrash, held, "received_bitmap");
            finishAndVerify(client, token);
        }
    }

    @Test
    void classicClientJustSendsTheMissingBlocksAfterTheRestart() throws Exception {
        ServerProcess second = servers.start(root);
        try (StepClient client = StepClient.connect(second.port())) {
            String token = client.login(USER, TestData.classicPassword(USER));
            finishAndVerify(client, token);
        }
    }

    /** Sends only the blocks not sent before the crash; the last one must complete the file. */
    private void finishAndVerify(StepClient client, String token) throws IOException {
        BitSet missing = (BitSet) sentBeforeCrash.clone();
        missing.flip(0, totalBlocks);
        int last = missing.length() - 1;
        StepMessage reply = null;
        for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
            reply = client.upload(token, KEY, file, BLOCK, i);
            StepMessage shown = reply;
            assertEquals(200, reply.status(), shown::toString);
            if (i != last) {
                assertFalse(reply.has(Fields.MD5), () -> "completed before every block was sent: " + shown);
            }
        }
        assertEquals(TestData.md5Hex(file), reply.string(Fields.MD5).orElse("(no md5)"), "md5 of the completing reply");
        assertArrayEquals(file, client.download(token, KEY), "downloaded bytes");
    }

    /** About half of the blocks, scattered: never just a prefix, never all, never none. */
    private static BitSet scatteredHalf(int totalBlocks, Random random) {
        BitSet chosen = new BitSet(totalBlocks);
        for (int i = 0; i < totalBlocks; i++) {
            if (random.nextBoolean()) {
                chosen.set(i);
            }
        }
        // Both ends wait for after the restart: the first block and the short last one.
        chosen.clear(0);
        chosen.clear(totalBlocks - 1);
        chosen.set(totalBlocks - 2);
        assertTrue(chosen.nextClearBit(0) < chosen.length() - 1, "the chosen blocks must not be a prefix");
        return chosen;
    }
}
