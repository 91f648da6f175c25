package org.fita.server.s3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The object keys of a store, all under its prefix P:
 *
 * <pre>
 * P accounts.json                         the accounts (shared by every server)
 * P files/U/K                             finished file; metadata fita-md5, fita-key, fita-modified, fita-upload
 * P data/U/K                              DATA record (JSON)
 * P plans/U/K/ID                          an unfinished upload's plan (empty; ID says it all)
 * P blocks/U/K/ID/FIRST-END               received blocks FIRST..END-1 of that upload, back to back
 * </pre>
 *
 * U is the first 32 hex digits of the SHA-256 of the username (user folders are never listed in
 * order). K is the lowercase hex of the key's UTF-8 bytes with a '/' after every 200 digits, then
 * '.', so that S3's byte order of the objects is the keys' order and a key prefix is an object-key
 * prefix; a key too long for that (hex longer than {@link #MAX_KEY_HEX}) is the hex of its first
 * bytes, '~' and the SHA-256 of the whole key (such keys still list after shorter ones with the
 * same first bytes, but not in order among themselves). FIRST and END are 16 hex digits.
 */
final class S3Keys {
    static final int MAX_KEY_HEX = 680;
    private static final int LONG_KEY_HEAD_BYTES = 300;
    /** Keeps every object key within S3's 1024 bytes. */
    static final int MAX_PREFIX_BYTES = 200;
    private static final HexFormat HEX = HexFormat.of();

    private final String prefix;

    S3Keys(String prefix) {
        if (prefix.getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
            throw new IllegalArgumentException("The S3 prefix is longer than " + MAX_PREFIX_BYTES + " bytes.");
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    static String user(String user) {
        return HEX.formatHex(sha256(user.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    static String key(String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        String hex = utf8.length * 2 <= MAX_KEY_HEX ? HEX.formatHex(utf8)
                : HEX.formatHex(Arrays.copyOf(utf8, LONG_KEY_HEAD_BYTES)) + "~" + HEX.formatHex(sha256(utf8));
        return split(hex) + END;
    }

    /**
     * Ends every encoded key: it sorts before '/' and every hex digit, so that a key sorts before
     * the longer keys it starts, and the objects of one key never share a listing prefix with those
     * of a longer one.
     */
    private static final String END = ".";
    /** Stores that keep objects as files (S3Proxy's filesystem provider, MinIO) allow 255 bytes per name. */
    private static final int PART = 200;

    /** The hex with a '/' after every {@link #PART} characters: same order, no name part too long for a file system. */
    private static String split(String hex) {
        StringBuilder b = new StringBuilder(hex.length() + hex.length() / PART);
        for (int i = 0; i < hex.length(); i += PART) {
            if (i > 0) {
                b.append('/');
            }
            b.append(hex, i, Math.min(hex.length(), i + PART));
        }
        return b.toString();
    }

    /** The key of an encoded name, or null if it is a long key's (read its metadata instead). */
    static String decodeKey(String encoded) {
        if (!encoded.endsWith(END)) {
            return null;
        }
        String hex = encoded.substring(0, encoded.length() - END.length()).replace("/", "");
        if (hex.indexOf('~') >= 0 || hex.length() % 2 != 0) {
            return null;
        }
        try {
            return new String(HEX.parseHex(hex), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A prefix of the encoded names of the keys that {@code keyPrefix} starts (long keys aside). */
    static String keyPrefix(String keyPrefix) {
        String hex = HEX.formatHex(keyPrefix.getBytes(StandardCharsets.UTF_8));
        return split(hex.length() > LONG_KEY_HEAD_BYTES * 2 ? hex.substring(0, LONG_KEY_HEAD_BYTES * 2) : hex);
    }

    String accounts() {
        return prefix + "accounts.json";
    }

    String filesOf(String user) {
        return prefix + "files/" + user(user) + "/";
    }

    String file(String user, String key) {
        return filesOf(user) + key(key);
    }

    String dataOf(String user) {
        return prefix + "data/" + user(user) + "/";
    }

    String data(String user, String key) {
        return dataOf(user) + key(key);
    }

    String allPlans() {
        return prefix + "plans/";
    }

    String plansOf(String user) {
        return allPlans() + user(user) + "/";
    }

    String plansOf(String user, String key) {
        return plansOf(user) + key(key) + "/";
    }

    String plan(String user, String key, String id) {
        return plansOf(user, key) + id;
    }

    String blocksOf(String user, String key, String id) {
        return prefix + "blocks/" + user(user) + "/" + key(key) + "/" + id + "/";
    }

    /** The blocks folder of the plan whose plan object is {@code planKey}. */
    String blocksOfPlan(String planKey) {
        return prefix + "blocks/" + planKey.substring(allPlans().length()) + "/";
    }

    /** The completion claim of a plan: whoever creates it (conditionally) publishes the file. */
    String claim(String user, String key, String id) {
        return allClaims() + user(user) + "/" + key(key) + "/" + id;
    }

    String allClaims() {
        return prefix + "claims/";
    }

    /** The plan object of the claim {@code claimKey}. */
    String planOfClaim(String claimKey) {
        return allPlans() + claimKey.substring(allClaims().length());
    }

    String segment(String user, String key, String id, long first, long end) {
        return blocksOf(user, key, id) + String.format("%016x-%016x", first, end);
    }

    /** FIRST and END of a segment's object key, or null if it is not one. */
    static long[] segmentRange(String objectKey) {
        int slash = objectKey.lastIndexOf('/');
        String name = objectKey.substring(slash + 1);
        if (name.length() != 33 || name.charAt(16) != '-') {
            return null;
        }
        try {
            return new long[] {Long.parseUnsignedLong(name.substring(0, 16), 16),
                    Long.parseUnsignedLong(name.substring(17), 16)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
