package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where downloads land, and what a download onto an existing file does. */
class ClientDownloadIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void downloadRightAfterUploadInTheSameFolderFindsTheFileAlreadyThere() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root).port(), "alice");
        byte[] content = TestData.random(3 * (1 << 20) + 17, 61);
        Path big = fita.work().resolve("big.iso");
        Files.write(big, content);
        assertEquals(0, fita.run("upload", "big.iso").exitCode());
        FileTime before = Files.getLastModifiedTime(big);

        StandaloneJar.Result text = fita.run("download", "big.iso");

        assertEquals(0, text.exitCode(), text::describe);
        assertTrue(text.stdout().contains("\"big.iso\" is already there") && text.stdout().contains("nothing was moved"),
                text::describe);
        StandaloneJar.Result json = fita.run("download", "big.iso", "--json");
        assertEquals(0, json.exitCode(), json::describe);
        JsonObject result = FitaClient.jsonLine(json);
        assertEquals("identical", result.get("status").getAsString(), result::toString);
        assertEquals(0, result.get("moved").getAsLong(), result::toString);
        assertEquals(TestData.md5Hex(content), result.get("md5").getAsString(), result::toString);
        assertEquals(before, Files.getLastModifiedTime(big), "the file was not rewritten");
        // The same upload again is no failure either: the server holds these bytes.
        StandaloneJar.Result upAgain = fita.run("upload", "big.iso", "--json");
        assertEquals(0, upAgain.exitCode(), upAgain::describe);
        assertEquals("identical", FitaClient.jsonLine(upAgain).get("status").getAsString(), upAgain::describe);

        // Other content under the same name is kept, and the refusal says how to replace it.
        byte[] changed = content.clone();
        changed[5] ^= 1;
        Files.write(big, changed);
        StandaloneJar.Result differs = fita.run("download", "big.iso");
        assertEquals(ExitCodes.LOCAL_FILE, differs.exitCode(), differs::describe);
        assertTrue(differs.stderr().contains("other content") && differs.stderr().contains("--overwrite"),
                differs::describe);
        assertArrayEquals(changed, Files.readAllBytes(big), "the local file is untouched");
        StandaloneJar.Result upDiffers = fita.run("upload", "big.iso");
        assertEquals(ExitCodes.REFUSED, upDiffers.exitCode(), upDiffers::describe);
        assertTrue(upDiffers.stderr().contains("\"big.iso\" already exists on the server (402)"), upDiffers::describe);

        StandaloneJar.Result overwritten = fita.run("download", "big.iso", "--overwrite");
        assertEquals(0, overwritten.exitCode(), overwritten::describe);
        assertArrayEquals(content, Files.readAllBytes(big), "replaced by the server's bytes");
    }

    @Test
    void severalKeysAndFoldersKeepTheirPathsSoThatNoNamesCollide() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root).port(), "bob");
        Map<String, byte[]> files = new TreeMap<>(Map.of(
                "a.jpg", bytes("top a"),
                "2024/b.jpg", bytes("b of 2024"),
                "2024/a.jpg", bytes("a of 2024"),
                "2025/a.jpg", bytes("a of 2025")));
        Path photos = fita.work().resolve("photos");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.createDirectories(photos.resolve(f.getKey()).getParent());
            Files.write(photos.resolve(f.getKey()), f.getValue());
        }
        assertEquals(0, fita.run("upload", "photos", "--key", "backup").exitCode());

        // Several keys: below the deepest folder they share (backup/), into -o.
        StandaloneJar.Result keys = fita.run("download", "backup/2024/a.jpg", "backup/2025/a.jpg", "backup/a.jpg",
                "-o", "restored/");
        assertEquals(0, keys.exitCode(), keys::describe);
        assertSame(files, List.of("2024/a.jpg", "2025/a.jpg", "a.jpg"), fita.work().resolve("restored"));

        // A folder without -o: a folder of its name here.
        StandaloneJar.Result folder = fita.run("download", "backup/");
        assertEquals(0, folder.exitCode(), folder::describe);
        assertSame(files, List.copyOf(files.keySet()), fita.work().resolve("backup"));

        // A folder with -o: that folder holds what the server's folder holds.
        StandaloneJar.Result into = fita.run("download", "backup/2024/", "-o", "only2024", "--json");
        assertEquals(0, into.exitCode(), into::describe);
        assertEquals(2, FitaClient.jsonLines(into).size(), into::describe);
        assertArrayEquals(files.get("2024/a.jpg"), Files.readAllBytes(fita.work().resolve("only2024/a.jpg")));
        assertArrayEquals(files.get("2024/b.jpg"), Files.readAllBytes(fita.work().resolve("only2024/b.jpg")));

        // Two folders: each keeps its name, so their a.jpg do not collide.
        StandaloneJar.Result two = fita.run("download", "backup/2024/", "backup/2025/", "-o", "years");
        assertEquals(0, two.exitCode(), two::describe);
        assertArrayEquals(files.get("2024/a.jpg"), Files.readAllBytes(fita.work().resolve("years/2024/a.jpg")));
        assertArrayEquals(files.get("2025/a.jpg"), Files.readAllBytes(fita.work().resolve("years/2025/a.jpg")));

        // One key and -o ending in '/': a folder to create, not a file of that name.
        StandaloneJar.Result oneKey = fita.run("download", "backup/2024/b.jpg", "-o", "new-folder/");
        assertEquals(0, oneKey.exitCode(), oneKey::describe);
        assertArrayEquals(files.get("2024/b.jpg"), Files.readAllBytes(fita.work().resolve("new-folder/b.jpg")));

        StandaloneJar.Result none = fita.run("download", "nothing/");
        assertEquals(ExitCodes.REFUSED, none.exitCode(), none::describe);
        assertTrue(none.stderr().contains("No key on the server starts with \"nothing/\""), none::describe);
        assertFalse(Files.exists(fita.work().resolve("nothing")));
    }

    @Test
    void aFolderOfAClassicServerCannotBeListed() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root, "--classic-only").port(), "carol");

        StandaloneJar.Result run = fita.run("download", "backup/");

        assertEquals(ExitCodes.UNSUPPORTED, run.exitCode(), run::describe);
        assertTrue(run.stderr().contains("classic STEP server"), run::describe);
    }

    private static void assertSame(Map<String, byte[]> files, List<String> names, Path folder) throws Exception {
        for (String name : names) {
            assertArrayEquals(files.get(name), Files.readAllBytes(folder.resolve(name)), name);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
