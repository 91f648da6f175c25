package org.fita.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The escaping of server text for terminals, and the folder that several download arguments share. */
class TerminalTextTest {
    @Test
    void controlAndBidiCharactersBecomeVisibleEscapes() {
        assertEquals("a\\x1b]0;t\\x07b", TerminalText.escape("a\u001b]0;t\u0007b"));
        assertEquals("row\\x0afake\\x0d\\x09", TerminalText.escape("row\nfake\r\t"));
        assertEquals("del\\x7f csi\\x9b", TerminalText.escape("del\u007f csi\u009b"));
        assertEquals("evil\\u202egpj.exe \\u2066x\\u2069 \\u200fy", TerminalText.escape("evil\u202egpj.exe \u2066x\u2069 \u200fy"));
        assertEquals("lone \\ud800.", TerminalText.escape("lone \ud800."));
        assertEquals("null", TerminalText.escape(null));
    }

    @Test
    void otherTextIsPrintedAsItIs() {
        String text = "photos/\u732b.jpg caf\u00e9 \u0645\u0631\u062d\u0628\u0627 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 a\\x1b";
        assertSame(text, TerminalText.escape(text));
    }

    @Test
    void jsonStaysExactJsonWithNothingATerminalActsOn() {
        String key = "k\u001b[2J\n\u009b\u202e\u2028\u007f\ud800z\u732b";
        JsonObject o = new JsonObject();
        o.addProperty("key", key);

        String json = TerminalText.json(o);

        assertEquals(key, JsonParser.parseString(json).getAsJsonObject().get("key").getAsString());
        for (char c : json.toCharArray()) {
            assertFalse(c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x202e || c == 0x2028 || Character.isSurrogate(c),
                    () -> json);
        }
        assertEquals("{\"key\":\"\u732b\"}", TerminalText.json(JsonParser.parseString("{\"key\":\"\u732b\"}")));
    }

    @Test
    void severalArgumentsShareTheirDeepestCommonFolder() {
        assertEquals("backup/", DownloadCommand.commonFolder(List.of("backup/a.jpg", "backup/2024/b.jpg")));
        assertEquals("backup/", DownloadCommand.commonFolder(List.of("backup/2024/", "backup/2025/")));
        assertEquals("backup/2024/", DownloadCommand.commonFolder(List.of("backup/2024/")));
        assertEquals("", DownloadCommand.commonFolder(List.of("a/x.txt", "b/x.txt")));
        assertEquals("", DownloadCommand.commonFolder(List.of("ab/x", "a/y")));
        assertEquals("a/", DownloadCommand.commonFolder(List.of("a/b/c", "a/bc/d")));
        assertEquals("", DownloadCommand.commonFolder(List.of("top.txt", "a/b.txt")));
    }
}
