package org.fita.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UntrustedTest {

    @Test
    void plainTextIsLeftAsItIs() {
        String text = "photos/2024/été 🎉 \\x41.jpg";
        assertSame(text, Untrusted.visible(text));
        assertNull(Untrusted.visible(null));
    }

    @Test
    void controlCharactersBecomeHexEscapes() {
        assertEquals("a\\x1b]0;owned\\x07b\\x0a200 OK\\x0d\\x7f\\x85", Untrusted.visible("a\u001b]0;owned\u0007b\n200 OK\r\u007f\u0085"));
    }

    @Test
    void reorderingAndInvisibleCharactersBecomeUnicodeEscapes() {
        assertEquals("invoice\\u202efdp.exe", Untrusted.visible("invoice\u202Efdp.exe"));
        assertEquals("a\\u200bb\\u2028c\\u2066d\\ufeff", Untrusted.visible("a\u200Bb\u2028c\u2066d\uFEFF"));
    }

    @Test
    void unpairedSurrogatesAreEscapedAndPairsKept() {
        assertEquals("x\\ud800y\\udc00", Untrusted.visible("x\uD800y\uDC00"));
        assertEquals("\uD83D\uDE00", Untrusted.visible("\uD83D\uDE00"));
    }

    @Test
    void escapingTwiceChangesNothing() {
        String once = Untrusted.visible("k\u0000e\u202Ey");
        assertEquals(once, Untrusted.visible(once));
    }
}
