package org.fita.server.auth;

/**
 * The result of checking a token.
 *
 * @param username the token's user when valid, else {@code null}
 * @param problem  why it was refused, or {@code null} when valid
 * @param message  the text for the client's status_msg
 */
public record TokenCheck(String username, Problem problem, String message) {

    public enum Problem { MISSING, MALFORMED, FORGED, CLASSIC, EXPIRED }

    static TokenCheck valid(String username) {
        return new TokenCheck(username, null, null);
    }

    static TokenCheck refused(Problem problem, String message) {
        return new TokenCheck(null, problem, message);
    }

    public boolean isValid() {
        return problem == null;
    }
}
