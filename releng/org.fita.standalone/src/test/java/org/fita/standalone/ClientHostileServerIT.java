package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fita.cli.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile server's keys, MD5s, token and messages reach the terminal only as visible escapes: they
 * cannot retitle the window, fake listing rows or reverse a name. JSON output stays exact.
 */
class ClientHostileServerIT {
    /** Keys with an OSC title sequence, a newline that fakes a row, a right-to-left override, a C1 CSI. */
    private static final List<String> KEYS = List.of(
            "c1\u009b31m.bin",
            "evil\u001b]0;pwned\u0007.txt",
            "fake\n      1 B  2026-01-01 00:00  d41d8cd98f00b204e9800998ecf8427e  passwords.txt",
            "spoof\u202egpj.exe");
    /** How the text listing shows them. */
    private static final List<String> SHOWN = List.of(
            "c1\\x9b31m.bin",
            "evil\\x1b]0;pwned\\x07.txt",
            "fake\\x0a      1 B  2026-01-01 00:00  d41d8cd98f00b204e9800998ecf8427e  passwords.txt",
            "spoof\\u202egpj.exe");
    private static final String MD5 = "\u001b[8md41d8cd98f00b204e9800998ecf8427e";
    /** The engine refuses a token that is not printable ASCII before anything prints it (see below). */
    private static final String TOKEN = "tok-en";
    private static final String HOSTILE_TOKEN = "tok\u001b]0;pwned\u0007en";
    private static final String DELETE_MESSAGE = "Disk on fire\u001b[2K\rDeleted \"x\".";
    /** Listed under the folder x/: one key that climbs out of any folder, one that is gone when asked for. */
    private static final List<String> FOLDER_KEYS = List.of("x/../../escape.txt", "x/ok.txt");

    @TempDir
    Path dir;

    private ScriptedServer server;
    private FitaClient fita;

    @BeforeEach
    void startAHostileServer() throws Exception {
        server = new ScriptedServer(ClientHostileServerIT::answer);
        fita = new FitaClient(dir, server.port(), "mallory");
    }

    @AfterEach
    void stopIt() throws Exception {
        server.close();
    }

    private static JsonObject answer(JsonObject request) {
        String operation = request.has("operation") ? request.get("operation").getAsString() : "";
        JsonObject fields = new JsonObject();
        switch (operation) {
            case "LOGIN" -> {
                fields.addProperty("token", TOKEN);
                fields.addProperty("fita_version", 1);
                fields.addProperty("server", "hostile\u001b[2J");
                JsonArray extensions = new JsonArray();
                extensions.add("list");
                fields.add("extensions", extensions);
                return ScriptedServer.reply(request, 200, "Login successfully", fields);
            }
            case "LIST" -> {
                String prefix = request.has("prefix") ? request.get("prefix").getAsString() : "";
                JsonArray files = new JsonArray();
                for (String key : prefix.equals("x/") ? FOLDER_KEYS : KEYS) {
                    JsonObject file = new JsonObject();
                    file.addProperty("key", key);
                    file.addProperty("size", 0);
                    file.addProperty("md5", MD5);
                    file.addProperty("modified", 1_790_000_000_000L);
                    files.add(file);
                }
                fields.add("files", files);
                return ScriptedServer.reply(request, 200, "OK", fields);
            }
            case "GET" -> {
                return ScriptedServer.reply(request, 404, "\u001b]0;gone\u0007", null);
            }
            case "DELETE" -> {
                return ScriptedServer.reply(request, 500, DELETE_MESSAGE, null);
            }
            case "SAVE" -> {
                return ScriptedServer.reply(request, 402, "exists\u001b[2J", null);
            }
            default -> {
                return ScriptedServer.reply(request, 408, "Operation " + operation + " is not allowed", null);
            }
        }
    }

    @Test
    void listingShowsEveryKeyOnItsOwnRowWithVisibleEscapes() throws Exception {
        StandaloneJar.Result table = fita.run("list");

        assertEquals(0, table.exitCode(), table::describe);
        assertPrintable(table.stdout(), table);
        List<String> rows = table.stdoutLines();
        assertEquals(1 + KEYS.size(), rows.size(), () -> "a header and one row per key:\n" + table.describe());
        for (int i = 0; i < KEYS.size(); i++) {
            assertTrue(rows.get(1 + i).endsWith("  " + SHOWN.get(i)), rows.get(1 + i));
            assertTrue(rows.get(1 + i).contains("\\x1b[8md41d8"), rows.get(1 + i));
        }
    }

    @Test
    void jsonListingIsExactJsonWithNothingATerminalActsOn() throws Exception {
        StandaloneJar.Result json = fita.run("list", "--json");

        assertEquals(0, json.exitCode(), json::describe);
        assertPrintable(json.stdout(), json);
        JsonArray listed = FitaClient.jsonArray(json);
        List<String> keys = new ArrayList<>();
        for (var e : listed) {
            keys.add(e.getAsJsonObject().get("key").getAsString());
            assertEquals(MD5, e.getAsJsonObject().get("md5").getAsString());
        }
        assertEquals(KEYS, keys, "the keys exactly as the server sent them");
    }

    @Test
    void messagesAndTheTokenAreEscaped() throws Exception {
        StandaloneJar.Result deleted = fita.run("delete", "k");

        assertEquals(ExitCodes.REFUSED, deleted.exitCode(), deleted::describe);
        assertPrintable(deleted.stderr(), deleted);
        assertTrue(deleted.stderr().contains("500 \"Disk on fire\\x1b[2K\\x0dDeleted \"x\".\""), deleted::describe);
        assertEquals(1, deleted.stderr().lines().count(), deleted::describe);

        Files.writeString(fita.work().resolve("test.txt"), "coursework");
        StandaloneJar.Result coursework = fita.runAsTyped("--server_ip", "127.0.0.1", "--port",
                Integer.toString(server.port()), "--id", "2254001", "--f", "test.txt");

        assertEquals(ExitCodes.REFUSED, coursework.exitCode(), coursework::describe);
        assertPrintable(coursework.stdout() + coursework.stderr(), coursework);
        assertEquals("Token: tok-en", coursework.stdoutLines().get(0), coursework::describe);
    }

    @Test
    void aTokenWithControlCharactersIsRefusedBeforeAnythingPrintsIt() throws Exception {
        server.close();
        server = new ScriptedServer(request -> {
            JsonObject fields = new JsonObject();
            fields.addProperty("token", HOSTILE_TOKEN);
            return ScriptedServer.reply(request, 200, "Login successfully", fields);
        });
        fita = new FitaClient(dir, server.port(), "mallory");

        StandaloneJar.Result run = fita.run("list");

        assertEquals(ExitCodes.NETWORK, run.exitCode(), run::describe);
        assertPrintable(run.stdout() + run.stderr(), run);
        assertTrue(run.stderr().contains("sent a token of 15 characters that is not printable ASCII"), run::describe);
    }

    @Test
    void aFolderDownloadNeverWritesOutsideItsTarget() throws Exception {
        StandaloneJar.Result run = fita.run("download", "x/", "-o", "out", "--json");

        assertEquals(ExitCodes.REFUSED, run.exitCode(), run::describe);
        assertPrintable(run.stdout() + run.stderr(), run);
        List<JsonObject> failures = FitaClient.jsonLines(run);
        assertEquals(FOLDER_KEYS.size(), failures.size(), run::describe);
        for (JsonObject failure : failures) {
            assertEquals("failed", failure.get("status").getAsString(), failure::toString);
            assertEquals(ExitCodes.REFUSED, failure.get("exit_code").getAsInt(), failure::toString);
        }
        assertTrue(failures.get(0).get("error").getAsString().startsWith("\"x/../../escape.txt\" cannot be downloaded"),
                run::describe);
        assertTrue(failures.get(1).get("error").getAsString().startsWith("\"x/ok.txt\" is not on the server (404)."),
                run::describe);
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> files = all.filter(Files::isRegularFile).filter(f -> !f.startsWith(fita.journal())).toList();
            if (!files.isEmpty()) {
                fail("Files were written: " + files + "\n" + run.describe());
            }
        }
        assertFalse(Files.exists(dir.getParent().resolve("escape.txt")));
    }

    /** Nothing a terminal acts on: no control character but the line ends, no C1 control, no bidi control. */
    private static void assertPrintable(String text, StandaloneJar.Result run) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f;
            boolean bidi = c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c == 0x200e || c == 0x200f;
            if (control || bidi) {
                fail(String.format("U+%04X at %d of the output:%n%s", (int) c, i, run.describe()));
            }
        }
    }
}
