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
            char c = text.charAt(i);
            // ASCII only: Character.digit would also take other scripts' digits, such as fullwidth ones.
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
