package org.fita.cli;

import com.google.gson.JsonElement;
import java.util.Locale;

/**
 * The one place where text that may hold a server's words (keys, status messages, tokens, MD5s)
 * becomes safe to print: a hostile server must not move the cursor, retitle the window, fake
 * listing rows or reverse a name on the user's terminal. Control and bidirectional-formatting
 * characters are shown visibly as escapes (ESC as \x1b, a newline as \n, U+202E as a backslash, 'u' and 202e); all other
 * text, non-ASCII letters included, is printed as it is.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** {@code text} with every character a terminal could act on replaced by a visible escape. */
    static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escapeOf(text, i);
            if (escaped == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(escaped);
        }
        return out == null ? text : out.toString();
    }

    /**
     * JSON as gson writes it (control characters already escaped) with the C1 controls, DEL and the
     * bidirectional controls escaped too. These can only occur inside JSON strings, and a
     * backslash-u escape there parses to the same character: the JSON stays exact.
     */
    static String json(JsonElement element) {
        String text = element.toString();
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = c == 0x7f || c >= 0x80 && c <= 0x9f || isInvisibleFormat(c) || isUnpairedSurrogate(text, i);
            if (!unsafe) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(unicodeEscape(c));
        }
        return out == null ? text : out.toString();
    }

    /** The escape of the character at {@code i}, or null if it prints safely as it is. */
    private static String escapeOf(String text, int i) {
        char c = text.charAt(i);
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f) {
            return String.format(Locale.ROOT, "\\x%02x", (int) c);
        }
        if (isInvisibleFormat(c) || isUnpairedSurrogate(text, i)) {
            return unicodeEscape(c);
        }
        return null;
    }

    /**
     * Bidirectional controls (they reorder what follows: "evil", U+202E, "gpj.exe" shows as
     * "evilexe.jpg"), line and paragraph separators, and the invisible characters that make
     * two different names look alike. Joiners (U+200C, U+200D) stay: scripts and emoji need them.
     */
    private static boolean isInvisibleFormat(char c) {
        return c == 0x061c || c == 0x200b || c == 0x200e || c == 0x200f || c >= 0x2028 && c <= 0x202e
                || c >= 0x2060 && c <= 0x2069 || c == 0xfeff;
    }

    private static String unicodeEscape(char c) {
        return String.format(Locale.ROOT, "\\u%04x", (int) c);
    }

    private static boolean isUnpairedSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return false;
    }
}
