package org.fita.protocol;

/**
 * Text that came from the other side (keys, usernames, status messages, request fields) made safe
 * to show on a terminal, in a log line or in a widget. Control characters can move a terminal's
 * cursor, change a window's title or start a new line that passes for another record; format
 * characters (bidi overrides such as U+202E, zero-width characters) reorder or hide what a reader
 * sees. They are written visibly: C0, DEL and C1 controls as {@code \xHH}; line and paragraph
 * separators, format characters (but the joiners U+200C and U+200D) and unpaired surrogates as
 * {@code \\uHHHH}. Everything else, non-ASCII letters, emoji and backslashes included, stays as it is, so escaping twice changes
 * nothing. The one place the server log, the command line and the workbench take this from.
 */
public final class Untrusted {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Untrusted() {
    }

    /** {@code text} with every character that could mislead a reader written as an escape; null stays null. */
    public static String visible(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !unsafeAt(text, i)) {
            i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
        }
        if (i >= text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafeAt(text, i)) {
                out.append(c);
                if (Character.isHighSurrogate(c)) {
                    out.append(text.charAt(++i));
                }
            } else {
                escape(c, out);
            }
        }
        return out.toString();
    }

    /** Appends the visible escape of {@code c}: {@code \xHH} for a control character, else {@code \\uHHHH}. */
    public static void escape(char c, StringBuilder out) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                    .append(HEX[c & 0xf]);
        }
    }

    /** Whether the character at {@code i} must be escaped; a proper surrogate pair is judged as its code point. */
    public static boolean unsafeAt(String text, int i) {
        char c = text.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    || unsafeType(Character.getType(text.codePointAt(i)));
        }
        if (Character.isLowSurrogate(c)) {
            return true; // a low surrogate reached on its own has no high one before it
        }
        if (c == 0x200c || c == 0x200d) {
            return false; // joiners: scripts such as Persian, and emoji sequences, need them
        }
        return unsafeType(Character.getType(c));
    }

    private static boolean unsafeType(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
