package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fita} command against a {@code fita-server} process: every subcommand, and the coursework form. */
class ClientRoundTripIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void uploadsAFolderThenListsDownloadsAndDeletesItsKeys() throws Exception {
        ServerProcess server = servers.start(root);
        FitaClient fita = new FitaClient(dir, server.port(), "alice");
        Map<String, byte[]> files = new TreeMap<>(Map.of(
                "backup/notes.txt", "Hello, STEP.\n".getBytes(StandardCharsets.UTF_8),
                "backup/sub/data.bin", TestData.random((1 << 20) + 5, 31),
                "backup/empty", new byte[0]));
        Path folder = fita.work().resolve("photos");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = folder.resolve(f.getKey().substring("backup/".length()));
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue());
        }

        StandaloneJar.Result up = fita.run("upload", "photos", "--key", "backup", "--json");

        assertEquals(0, up.exitCode(), up::describe);
        List<JsonObject> uploaded = FitaClient.jsonLines(up);
        assertEquals(files.size(), uploaded.size(), up::describe);
        for (JsonObject result : uploaded) {
            String key = result.get("key").getAsString();
            assertTrue(files.containsKey(key), () -> "unexpected key " + key);
            assertEquals("upload", result.get("operation").getAsString());
            assertEquals("verified", result.get("status").getAsString());
            assertEquals(files.get(key).length, result.get("size").getAsLong(), key);
            assertEquals(files.get(key).length, result.get("moved").getAsLong(), key);
            assertEquals(TestData.md5Hex(files.get(key)), result.get("md5").getAsString(), key);
        }

        JsonArray listed = FitaClient.jsonArray(fita.run("list", "backup/", "--json"));
        assertEquals(files.size(), listed.size(), listed::toString);
        for (JsonElement e : listed) {
            JsonObject f = e.getAsJsonObject();
            assertEquals(TestData.md5Hex(files.get(f.get("key").getAsString())), f.get("md5").getAsString(), f::toString);
        }
        StandaloneJar.Result table = fita.run("list");
        assertEquals(0, table.exitCode(), table::describe);
        assertTrue(Pattern.compile("SIZE +MODIFIED +MD5 +KEY").matcher(table.stdout()).find(), table::describe);
        assertTrue(table.stdout().contains(TestData.md5Hex(files.get("backup/sub/data.bin")) + "  backup/sub/data.bin"),
                table::describe);

        StandaloneJar.Result down = fita.run("download", "backup/notes.txt", "backup/sub/data.bin", "backup/empty",
                "-o", "fetched");
        assertEquals(0, down.exitCode(), down::describe);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            // Below the folder the keys share: backup/sub/data.bin lands in fetched/sub/data.bin.
            String name = f.getKey().substring("backup/".length());
            assertArrayEquals(f.getValue(), Files.readAllBytes(fita.work().resolve("fetched").resolve(name)), name);
        }
        StandaloneJar.Result single = fita.run("download", "backup/sub/data.bin", "-o", "copy.bin");
        assertEquals(0, single.exitCode(), single::describe);
        assertTrue(single.stdout().contains("verified"), single::describe);
        assertArrayEquals(files.get("backup/sub/data.bin"), Files.readAllBytes(fita.work().resolve("copy.bin")));

        StandaloneJar.Result byName = fita.run("upload", "photos/notes.txt");
        assertEquals(0, byName.exitCode(), byName::describe);
        assertTrue(byName.stdout().contains("as \"notes.txt\""), byName::describe);

        StandaloneJar.Result deleted = fita.run("delete", "backup/notes.txt", "backup/sub/data.bin", "backup/empty",
                "notes.txt");
        assertEquals(0, deleted.exitCode(), deleted::describe);
        assertEquals(0, FitaClient.jsonArray(fita.run("list", "--json")).size());
        assertEquals(List.of(), fita.journalEntries(), "finished transfers leave no journal entry");
    }

    @Test
    void courseworkFormPrintsTheTokenAndTheMd5ThenRefusesTheSameKey() throws Exception {
        ServerProcess server = servers.start(root);
        FitaClient fita = new FitaClient(dir, server.port(), "unused");
        byte[] content = TestData.random(50_000, 41);
        Files.write(fita.work().resolve("test.txt"), content);
        String port = Integer.toString(server.port());

        StandaloneJar.Result first = fita.runAsTyped("--server_ip", "127.0.0.1", "--port", port, "--id", "2254001",
                "--f", "test.txt");

        assertEquals(0, first.exitCode(), first::describe);
        List<String> lines = first.stdoutLines();
        assertTrue(lines.get(0).matches("Token: \\S+"), first::describe);
        assertEquals("MD5: " + TestData.md5Hex(content), lines.get(1), first::describe);
        assertTrue(lines.get(2).contains("matches"), first::describe);

        StandaloneJar.Result again = fita.runAsTyped("--server_ip", "127.0.0.1", "--port", port, "--id", "2254001",
                "--f", "test.txt");

        assertEquals(ExitCodes.REFUSED, again.exitCode(), again::describe);
        assertTrue(again.stderr().contains("already exists"), again::describe);
    }
}
