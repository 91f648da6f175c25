package org.fita.cli;

import com.google.gson.JsonElement;
import java.util.Locale;
import org.fita.protocol.Untrusted;

/**
 * The one place where text that may hold a server's words (keys, status messages, tokens, MD5s)
 * becomes safe to print: a hostile server must not move the cursor, retitle the window, fake
 * listing rows or reverse a name on the user's terminal. Control and bidirectional-formatting
 * characters are shown visibly as escapes (ESC as \x1b, a newline as \x0a, U+202E as a backslash,
 * 'u' and 202e), as {@link Untrusted} writes them for the server log and the workbench too; all
 * other text, non-ASCII letters included, is printed as it is.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** {@code text} with every character a terminal could act on replaced by a visible escape ({@link Untrusted}). */
    static String escape(String text) {
        return text == null ? "null" : Untrusted.visible(text);
    }

    /**
     * JSON as gson writes it (control characters already escaped) with DEL, the C1 controls and
     * every other character {@link Untrusted} would escape written as JSON's backslash-u escapes.
     * They can only occur inside JSON strings, where such an escape parses to the same character:
     * the JSON stays exact.
     */
    static String json(JsonElement element) {
        String text = element.toString();
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (!Untrusted.unsafeAt(text, i)) {
                if (out != null) {
                    out.append(c);
                    if (pair) {
                        out.append(text.charAt(i + 1));
                    }
                }
                i += pair ? 1 : 0;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }
}
