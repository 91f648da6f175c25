package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a fita-server process while many small files are being stored inline on several
 * connections (their syncs and renames grouped): after a restart on the same storage root, every
 * file whose completion the client heard is there, whole and with its MD5. Files not heard of may
 * be there (complete and correct) or not, never half.
 */
class GroupCommitCrashIT {
    private static final String USER = "carol";
    private static final int FILES = 3000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path local;

    @Test
    void everyFileReportedStoredSurvivesTheKill() throws Exception {
        List<SmallFiles.Upload> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            Path f = local.resolve("f" + i);
            Files.write(f, TestData.random(1 + (i * 7919) % 20_000, i));
            files.add(new SmallFiles.Upload("crash/f" + i, f));
        }
        ServerProcess first = servers.start(root);
        Map<String, String> heard = new ConcurrentHashMap<>();
        CountDownLatch enough = new CountDownLatch(200);
        Thread killer = new Thread(() -> {
            try {
                // Some files are complete, many more are on their way: kill in the middle of it.
                if (enough.await(120, TimeUnit.SECONDS)) {
                    first.killHard();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        List<SmallFiles.Upload> notHeard;
        try (StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", first.port()), USER,
                TestData.classicPassword(USER))) {
            notHeard = SmallFiles.upload(session, files, new TransferOptions(8, 8, 0, false, 0), () -> false,
                    new SmallFiles.Listener() {
                        @Override
                        public void verified(TransferResult result) {
                            heard.put(result.key(), result.md5());
                            enough.countDown();
                        }

                        @Override
                        public void failed(String key, Path path, StepException e) {
                            // A refusal is no completion; the connections' end is handed back, not failed.
                        }
                    });
        }
        killer.join(TimeUnit.SECONDS.toMillis(150));
        assertTrue(heard.size() >= 200, "files heard of before the kill: " + heard.size());
        assertTrue(heard.size() < FILES, "the kill came after every file was stored; nothing was tested");
        assertTrue(!notHeard.isEmpty());

        ServerProcess second = servers.start(root);
        try (StepClient client = StepClient.connect(second.port())) {
            String token = client.login(USER, TestData.classicPassword(USER));
            for (int i = 0; i < FILES; i++) {
                String key = "crash/f" + i;
                String md5 = heard.get(key);
                if (md5 == null) {
                    continue;
                }
                byte[] expected = Files.readAllBytes(local.resolve("f" + i));
                assertEquals(TestData.md5Hex(expected), md5, key);
                assertArrayEquals(expected, client.download(token, key), key + " was reported stored before the kill");
            }
        }
        // Files stored but not heard of (the reply was lost with the process) are whole too.
        try (StepSession session = StepSession.connect(new ServerAddress("127.0.0.1", second.port()), USER,
                TestData.classicPassword(USER)); StepClient client = StepClient.connect(second.port())) {
            String token = client.login(USER, TestData.classicPassword(USER));
            for (RemoteFile listed : session.list("crash/")) {
                byte[] expected = Files.readAllBytes(local.resolve(listed.key().substring("crash/".length())));
                assertEquals(TestData.md5Hex(expected), listed.md5(), listed.key());
                if (!heard.containsKey(listed.key())) {
                    assertArrayEquals(expected, client.download(token, listed.key()), listed.key());
                }
            }
        }
    }
}
