package org.fita.protocol;

/**
 * The form of an MD5 on the wire ({@code md5} fields): 32 hexadecimal digits, either case. Checked
 * for every file of a listing or batch, so it is a loop, not a regular expression.
 */
public final class Md5Hex {
    private Md5Hex() {
    }

    public static boolean isValid(String text) {
        if (text == null || text.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
