package org.fita.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Recognises tokens made the classic server's way (base64 of {@code user.timestamp.login.md5}), so
 * that refusing one can say why. FiTA never accepts them: their secret is public.
 */
final class ClassicTokens {
    private static final Pattern DECODED = Pattern.compile(".*\\.[0-9]{14}\\.login\\.[0-9a-fA-F]{32}", Pattern.DOTALL);

    private ClassicTokens() {
    }

    static boolean looksClassic(String token) {
        try {
            String decoded = new String(Base64.getMimeDecoder().decode(token), StandardCharsets.UTF_8);
            return DECODED.matcher(decoded).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
