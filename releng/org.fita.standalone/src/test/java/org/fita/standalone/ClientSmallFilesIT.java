package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fita upload} and {@code fita download} of a folder of many small files and a few large
 * ones against a {@code fita-server} process: the small ones go pipelined (inline uploads, one-block
 * downloads), the large ones the normal way; every file is reported once, verified, and equal.
 */
class ClientSmallFilesIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void aFolderOfManySmallFilesAndSomeLargeOnesRoundTrips() throws Exception {
        ServerProcess server = servers.start(root);
        FitaClient fita = new FitaClient(dir, server.port(), "dave");
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            files.put("docs/d" + (i % 7) + "/f" + i, TestData.random(1 + (i * 104_729) % 12_000, i));
        }
        files.put("docs/large.bin", TestData.random((2 << 20) + 3, 1));
        files.put("docs/limit.bin", TestData.random(1 << 20, 2));
        files.put("docs/empty", new byte[0]);
        Path folder = fita.work().resolve("src");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = folder.resolve(f.getKey().substring("docs/".length()));
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue());
        }

        StandaloneJar.Result up = fita.run("upload", "src", "--key", "docs", "--json");

        assertEquals(0, up.exitCode(), up::describe);
        assertEveryFileOnce(files, FitaClient.jsonLines(up), "upload", "verified");
        assertTrue(server.transcript().contains("\"The file is stored.\""), "small files went inline");

        // The same command again: every file is already there with the same bytes.
        StandaloneJar.Result again = fita.run("upload", "src", "--key", "docs", "--json");
        assertEquals(0, again.exitCode(), again::describe);
        assertEveryFileOnce(files, FitaClient.jsonLines(again), "upload", "identical");

        StandaloneJar.Result down = fita.run("download", "docs/", "-o", "back", "--json");

        assertEquals(0, down.exitCode(), down::describe);
        assertEveryFileOnce(files, FitaClient.jsonLines(down), "download", "verified");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path back = fita.work().resolve("back").resolve(f.getKey().substring("docs/".length()));
            assertArrayEquals(f.getValue(), Files.readAllBytes(back), f.getKey());
            assertTrue(Files.notExists(back.resolveSibling(back.getFileName() + ".part")), back.toString());
        }
        assertEquals(List.of(), fita.journalEntries(), "finished transfers leave no journal entry");

        StandaloneJar.Result downAgain = fita.run("download", "docs/", "-o", "back", "--json");
        assertEquals(0, downAgain.exitCode(), downAgain::describe);
        assertEveryFileOnce(files, FitaClient.jsonLines(downAgain), "download", "identical");
    }

    private static void assertEveryFileOnce(Map<String, byte[]> files, List<JsonObject> results, String operation,
            String status) {
        Map<String, JsonObject> byKey = new TreeMap<>();
        for (JsonObject r : results) {
            String key = r.get("key").getAsString();
            assertEquals(null, byKey.put(key, r), () -> "reported twice: " + key);
            assertEquals(operation, r.get("operation").getAsString(), r::toString);
            assertEquals(status, r.get("status").getAsString(), r::toString);
            assertEquals(TestData.md5Hex(files.get(key)), r.get("md5").getAsString(), key);
        }
        assertEquals(files.keySet(), byKey.keySet());
    }
}
