package org.fita.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.fita.server.storage.PrivateFiles;

/**
 * Issues and checks login tokens: {@code fita2.<user>.<expiry>.<nonce>.<mac>}, where {@code user} is
 * the base64url of the username, {@code expiry} the epoch second after which the token is refused,
 * {@code nonce} 9 random bytes (so two tokens are never the same), and {@code mac} the base64url
 * HMAC-SHA256, under a 32-byte secret kept in {@code server.secret} under the storage root (created
 * on first start, readable by its owner only), of everything before it followed by the user's
 * current generation. A new generation (password change, re-created account, revocation) therefore
 * invalidates every token issued before it.
 */
public final class TokenService {
    private static final String PREFIX = "fita2";
    private static final String OLD_PREFIX = "fita1";
    private static final SecureRandom NONCES = new SecureRandom();
    private static final String SECRET_FILE = "server.secret";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;
    private final Function<String, String> generations;
    /** Keyed once: every request checks its token, and looking up and keying a Mac each time showed in profiles. */
    private final Mac keyedMac;

    public TokenService(byte[] secret, Duration ttl, Clock clock) {
        this(secret, ttl, clock, user -> "");
    }

    /** @param generations the current generation of a user's credentials ("" for none) */
    public TokenService(byte[] secret, Duration ttl, Clock clock, Function<String, String> generations) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("The token secret must be at least 32 bytes.");
        }
        this.secret = secret.clone();
        this.keyedMac = newKeyedMac(this.secret);
        this.ttl = ttl;
        this.clock = clock;
        this.generations = generations;
    }

    /** Loads the secret under {@code root}, creating it on first use. */
    public static TokenService forRoot(Path root, Duration ttl) throws IOException {
        return forRoot(root, ttl, user -> "");
    }

    /** As {@link #forRoot(Path, Duration)}, signing each user's current generation into their tokens. */
    public static TokenService forRoot(Path root, Duration ttl, Function<String, String> generations) throws IOException {
        return new TokenService(loadOrCreateSecret(root.resolve(SECRET_FILE)), ttl, Clock.systemUTC(), generations);
    }

    /**
     * Loads the secret from {@code file}, creating it if missing: servers that share the file accept
     * each other's tokens.
     */
    public static TokenService forSecretFile(Path file, Duration ttl, Function<String, String> generations)
            throws IOException {
        return new TokenService(loadOrCreateSecret(file), ttl, Clock.systemUTC(), generations);
    }

    static byte[] loadOrCreateSecret(Path file) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] secret;
            try (java.nio.channels.FileChannel ch = PrivateFiles.open(file, StandardOpenOption.READ)) {
                secret = java.nio.channels.Channels.newInputStream(ch).readNBytes(4096);
            }
            if (secret.length < 32) {
                throw new IOException("The token secret " + file + " is damaged (" + secret.length
                        + " bytes); delete it to make a new one (every issued token then becomes invalid).");
            }
            return secret;
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (java.nio.channels.FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            ch.write(java.nio.ByteBuffer.wrap(secret));
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    public Duration ttl() {
        return ttl;
    }

    public String issue(String username) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        byte[] nonce = new byte[9];
        NONCES.nextBytes(nonce);
        String body = PREFIX + "." + B64.encodeToString(username.getBytes(StandardCharsets.UTF_8)) + "." + expiry
                + "." + B64.encodeToString(nonce);
        return body + "." + B64.encodeToString(mac(body, generations.apply(username)));
    }

    /** Checks a token; never throws for bad input. */
    public TokenCheck check(String token) {
        if (token == null) {
            return TokenCheck.refused(TokenCheck.Problem.MISSING, "No token.");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 4 && OLD_PREFIX.equals(parts[0])) {
            return TokenCheck.refused(TokenCheck.Problem.FORGED, "This token was issued by an earlier version of the"
                    + " server and is no longer accepted. Log in again to get a new token.");
        }
        if (parts.length != 5 || !PREFIX.equals(parts[0])) {
            if (ClassicTokens.looksClassic(token)) {
                return TokenCheck.refused(TokenCheck.Problem.CLASSIC, "This token was made with the classic STEP "
                        + "server's public secret and is not accepted here. Log in again to get a new token.");
            }
            return TokenCheck.refused(TokenCheck.Problem.MALFORMED, "Token format is wrong.");
        }
        long expiry;
        String username;
        try {
            expiry = Long.parseLong(parts[2]);
            username = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(B64_DECODE.decode(parts[1])))
                    .toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            return TokenCheck.refused(TokenCheck.Problem.MALFORMED, "Token format is wrong.");
        }
        // Compare encoded text, not decoded bytes: base64 tolerates variants of its last character,
        // and only the one canonical spelling of a token may be valid.
        String body = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
        byte[] expected = B64.encodeToString(mac(body, generations.apply(username))).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[4].getBytes(StandardCharsets.US_ASCII))) {
            return TokenCheck.refused(TokenCheck.Problem.FORGED, "Token is wrong.");
        }
        if (clock.instant().getEpochSecond() > expiry) {
            return TokenCheck.refused(TokenCheck.Problem.EXPIRED, "Token has expired. Log in again to get a new one.");
        }
        return TokenCheck.valid(username);
    }

    private byte[] mac(String body, String generation) {
        Mac mac;
        try {
            mac = (Mac) keyedMac.clone();
        } catch (CloneNotSupportedException e) {
            mac = newKeyedMac(secret);
        }
        mac.update(body.getBytes(StandardCharsets.US_ASCII));
        // The generation is not in the token: only the server knows it, and a new one refuses old tokens.
        mac.update((byte) 0);
        return mac.doFinal(generation.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac newKeyedMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
