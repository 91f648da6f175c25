package org.fita.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Md5HexTest {

    @Test
    void thirtyTwoHexDigitsOfEitherCaseAreAnMd5() {
        assertTrue(Md5Hex.isValid("d41d8cd98f00b204e9800998ecf8427e"));
        assertTrue(Md5Hex.isValid("D41D8CD98F00B204E9800998ECF8427E"));
    }

    @Test
    void otherLengthsOtherCharactersAndOtherScriptsDigitsAreNot() {
        assertFalse(Md5Hex.isValid(null));
        assertFalse(Md5Hex.isValid(""));
        assertFalse(Md5Hex.isValid("d41d8cd98f00b204e9800998ecf8427"));
        assertFalse(Md5Hex.isValid("d41d8cd98f00b204e9800998ecf8427e0"));
        assertFalse(Md5Hex.isValid("g41d8cd98f00b204e9800998ecf8427e"));
        // Fullwidth and Arabic-Indic digits, which Character.digit takes for hexadecimal ones.
        assertFalse(Md5Hex.isValid("\uff14" + "41d8cd98f00b204e9800998ecf8427e"));
        assertFalse(Md5Hex.isValid("\u0664" + "41d8cd98f00b204e9800998ecf8427e"));
    }
}
