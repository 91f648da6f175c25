package org.fita.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rules for keys and usernames. Keys are names, not paths: {@code /} only separates folders
 * of a key's name and never reaches the file system (the server stores names encoded).
 */
public final class Names {
    private Names() {
    }

    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_USERNAME_BYTES = 128;

    /** Why {@code key} is not acceptable, or empty if it is. */
    public static Optional<String> keyProblem(String key) {
        return problem("key", key, MAX_KEY_BYTES, true);
    }

    /** Why {@code username} is not acceptable, or empty if it is. */
    public static Optional<String> usernameProblem(String username) {
        return problem("username", username, MAX_USERNAME_BYTES, false);
    }

    private static Optional<String> problem(String what, String name, int maxBytes, boolean slashAllowed) {
        if (name == null) {
            return Optional.of("The " + what + " is missing.");
        }
        if (name.isEmpty()) {
            return Optional.of("The " + what + " is empty; it must be 1 to " + maxBytes + " bytes of UTF-8.");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("The %s holds the control character U+%04X at position %d; "
                        + "control characters (NUL included) are not allowed.", what, (int) c, i));
            }
            if (Character.isHighSurrogate(c) && (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(name.charAt(i - 1)))) {
                return Optional.of("The " + what + " holds an unpaired surrogate at position " + i
                        + "; it must be valid Unicode text.");
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            return Optional.of("The " + what + " is " + bytes + " bytes of UTF-8; the limit is " + maxBytes + ".");
        }
        if (!slashAllowed) {
            if (name.indexOf('/') >= 0) {
                return Optional.of("The " + what + " holds '/', which is not allowed in a " + what + ".");
            }
            if (name.equals(".") || name.equals("..")) {
                return Optional.of("The " + what + " may not be '" + name + "'.");
            }
            return Optional.empty();
        }
        if (name.startsWith("/")) {
            return Optional.of("The " + what + " starts with '/'; keys are relative names such as 'photos/cat.jpg'.");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("The " + what + " has an empty folder name ('//' or a trailing '/').");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("The " + what + " has a '" + segment + "' segment; '.' and '..' are not allowed.");
            }
        }
        return Optional.empty();
    }
}
