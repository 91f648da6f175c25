package org.fita.server;

import java.util.regex.Pattern;

/**
 * Makes text from clients safe to put in a log line or on a terminal: the one place where log text
 * is escaped. A client can neither end a record (newline, CR, U+2028/2029), nor send escape
 * sequences to a terminal (ESC and the other control characters), nor reorder what a reader sees
 * (bidi and other invisible format characters).
 */
public final class LogText {
    private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z0-9_.:@+-]{1,64}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /**
     * {@code text} with control characters (C0, DEL, C1) as {@code \xHH}; line and paragraph
     * separators, format characters (bidi controls, zero-width characters) and unpaired surrogates
     * as {@code \\uHHHH}; and the backslash itself as {@code \\}, so the escaping cannot be faked.
     * Everything else, non-ASCII letters included, stays as it is.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text, i)) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(text, i)) {
                out.append(c);
                if (Character.isHighSurrogate(c)) {
                    out.append(text.charAt(++i));
                }
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /**
     * A client-supplied value as one unambiguous token of a log line: bare if it is a plain word
     * (such as {@code LOGIN} or {@code 2254001}), otherwise escaped and in double quotes with
     * {@code "} as {@code \"}, so that it cannot pass for the line's own words.
     */
    public static String field(String value) {
        if (value == null) {
            return "null";
        }
        if (BARE_WORD.matcher(value).matches()) {
            return value;
        }
        return quoted(value);
    }

    /** A client-supplied value escaped and always in double quotes (keys, messages echoing them). */
    public static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        return "\"" + escape(value).replace("\"", "\\\"") + "\"";
    }

    private static boolean needsEscape(String text, int i) {
        char c = text.charAt(i);
        if (c == '\\') {
            return true;
        }
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            // A proper pair is an ordinary character (such as an emoji); a lone surrogate is not text.
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    || isUnsafeType(Character.getType(text.codePointAt(i)));
        }
        if (Character.isLowSurrogate(c)) {
            return true;
        }
        return isUnsafeType(Character.getType(c));
    }

    private static boolean isUnsafeType(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
