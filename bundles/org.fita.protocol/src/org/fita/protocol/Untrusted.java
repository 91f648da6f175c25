package org.fita.protocol;

/**
 * Text that came from the other side (keys, usernames, status messages) made safe to show on a
 * terminal, in a log line or in a widget: control characters (which can move the cursor, change a
 * window title or start a new line that looks like another record) and the invisible characters
 * that reorder or hide text (bidi overrides such as U+202E, line and paragraph separators) are
 * written visibly as {@code \xHH} or {@code \\uHHHH}. Everything else is left as it is.
 */
public final class Untrusted {
    private Untrusted() {
    }

    /** {@code text} with every character that could mislead a reader written as an escape; null stays null. */
    public static String visible(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c)) {
                out.append(c);
            } else if (c < 0x100) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code c} is a control character or one that reorders, joins or hides text. */
    public static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1 controls
                || c == 0x061c || c == 0x200e || c == 0x200f // bidi marks
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) // bidi embeddings, isolates
                || c == 0x2028 || c == 0x2029 // line and paragraph separators
                || c == 0xfeff; // zero-width no-break space (byte order mark)
    }
}
