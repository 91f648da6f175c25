package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fita.server.LogText;
import org.junit.jupiter.api.Test;

/** The one escaping function of log lines and console output. */
class LogTextTest {

    @Test
    void controlAndInvisibleCharactersAreEscaped() {
        assertEquals("a\\x0ab\\x0dc\\x1b[31m\\x00\\x7f\\x85", LogText.escape("a\nb\rc\u001b[31m\u0000\u007f\u0085"));
        assertEquals("\\u2028\\u2029\\u202e\\u2066\\u200b\\ufeff", LogText.escape("\u2028\u2029\u202e\u2066\u200b\ufeff"));
        assertEquals("\\ud800x", LogText.escape("\ud800x"), "a lone surrogate");
        assertEquals("back\\slash", LogText.escape("back\\slash"), "a backslash is kept");
        assertEquals("\\x0a", LogText.escape(LogText.escape("\n")), "escaping twice changes nothing");
    }

    @Test
    void ordinaryTextIsKept() {
        assertEquals("2254001 张三 café 😀 tab-free", LogText.escape("2254001 张三 café 😀 tab-free"));
    }

    @Test
    void fieldsAreBareWordsOrQuoted() {
        assertEquals("LOGIN", LogText.field("LOGIN"));
        assertEquals("\"LOGIN by root\"", LogText.field("LOGIN by root"));
        assertEquals("\"a\\\"b\\x0a\"", LogText.quoted("a\"b\n"));
        assertEquals("\"\\\\x0a\"", LogText.quoted("\\x0a"), "a quoted value cannot fake an escape");
        assertEquals("null", LogText.field(null));
    }
}
