package org.fita.server;

import java.util.regex.Pattern;
import org.fita.protocol.Untrusted;

/**
 * Makes text from clients safe to put in a log line or on a terminal. {@link #escape} is the one
 * escaping function: the server log applies it to every message it writes (file, console and
 * listeners alike), so a client can neither end a record (newline, CR, U+2028/2029), nor send
 * escape sequences to a terminal (ESC and the other control characters), nor reorder what a reader
 * sees (bidi and other invisible format characters). {@link #field} and {@link #quoted} delimit a
 * client's value inside a line, so that its words cannot pass for the line's own.
 */
public final class LogText {
    private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z0-9_.:@+-]{1,64}");

    private LogText() {
    }

    /**
     * {@code text} with control characters (C0, DEL, C1) as {@code \xHH}, and line and paragraph
     * separators, format characters (bidi controls, zero-width characters) and unpaired surrogates
     * as {@code \\uHHHH}. Everything else, non-ASCII letters and backslashes included, stays as it
     * is, so escaping twice changes nothing. Inside {@link #quoted} values backslashes are doubled,
     * so there an escape cannot be faked.
     */
    public static String escape(String text) {
        return text == null ? "null" : Untrusted.visible(text);
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

    /**
     * A client-supplied value in double quotes (keys, messages echoing them), each backslash inside
     * written twice and each {@code "} as {@code \"}, then escaped.
     */
    public static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        return "\"" + escape(value.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }
}
