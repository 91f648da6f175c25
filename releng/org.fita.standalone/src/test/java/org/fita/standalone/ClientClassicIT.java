package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fita} command against a server that looks classic ({@code --classic-only}): no extension to lean on. */
class ClientClassicIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @TempDir
    Path dir;

    @Test
    void uploadAndDownloadFallBackToStopAndWaitAndListExitsSeven() throws Exception {
        FitaClient fita = new FitaClient(dir, servers.start(root, "--classic-only").port(), "dave");
        // Fifteen classic blocks of 20480 bytes, the last one short.
        byte[] content = TestData.random(300_001, 61);
        Files.write(fita.work().resolve("classic.bin"), content);

        StandaloneJar.Result up = fita.run("upload", "classic.bin", "--json");
        assertEquals(0, up.exitCode(), up::describe);
        assertEquals(TestData.md5Hex(content), FitaClient.jsonLine(up).get("md5").getAsString(), up::describe);
        StandaloneJar.Result down = fita.run("download", "classic.bin", "-o", "back.bin");
        assertEquals(0, down.exitCode(), down::describe);
        assertArrayEquals(content, Files.readAllBytes(fita.work().resolve("back.bin")), "downloaded bytes");

        StandaloneJar.Result list = fita.run("list");

        assertEquals(ExitCodes.UNSUPPORTED, list.exitCode(), list::describe);
        assertTrue(list.stderr().contains("classic STEP server") && list.stderr().contains("list"), list::describe);
        StandaloneJar.Result listJson = fita.run("list", "--json");
        assertEquals(ExitCodes.UNSUPPORTED, listJson.exitCode(), listJson::describe);
        JsonObject failure = FitaClient.jsonLine(listJson);
        assertEquals("failed", failure.get("status").getAsString(), failure::toString);
        assertEquals(ExitCodes.UNSUPPORTED, failure.get("exit_code").getAsInt(), failure::toString);
    }
}
