package org.fita.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Checks LOGIN passwords in the configured {@link AuthMode}. */
public final class Authenticator {
    private final AuthMode mode;
    private final AccountStore accounts;

    public Authenticator(AuthMode mode, AccountStore accounts) {
        this.mode = mode;
        this.accounts = accounts;
    }

    public AuthMode mode() {
        return mode;
    }

    public boolean check(String username, String password) throws IOException {
        if (mode == AuthMode.CLASSIC) {
            return md5Hex(username).equalsIgnoreCase(password);
        }
        return accounts.verify(username, password);
    }

    /** Whether a token's user may still act: in accounts mode, removing an account revokes its tokens. */
    public boolean stillExists(String username) throws IOException {
        return mode == AuthMode.CLASSIC || accounts.exists(username);
    }

    /** The classic password of a user: the lowercase hex MD5 of the username's UTF-8 bytes. */
    public static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
