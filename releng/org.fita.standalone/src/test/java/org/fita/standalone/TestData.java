package org.fita.standalone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Reproducible random contents and the MD5 that STEP replies carry. */
final class TestData {
    private TestData() {
    }

    /** {@code length} random bytes; the seed makes a failure reproducible. */
    static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Lowercase hex MD5, as in STEP's {@code md5} fields. */
    static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** The classic password rule of the reference server: md5 of the username. */
    static String classicPassword(String username) {
        return md5Hex(username.getBytes(StandardCharsets.UTF_8));
    }
}
