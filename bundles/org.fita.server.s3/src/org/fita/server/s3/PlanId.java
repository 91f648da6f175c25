package org.fita.server.s3;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An upload plan, named by its own object key so that one listing tells every plan of a user:
 * {@code CREATED.RANDOM.SIZE.BLOCKSIZE.R} with CREATED the epoch milliseconds in 13 digits (so the
 * newest plan of a key sorts last), RANDOM 16 hex digits, and R "r" for a replacing upload, else "n".
 */
record PlanId(long created, String random, long size, int blockSize, boolean replace) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static PlanId fresh(long size, int blockSize, boolean replace) {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return new PlanId(System.currentTimeMillis(), HexFormat.of().formatHex(r), size, blockSize, replace);
    }

    String text() {
        return String.format("%013d.%s.%d.%d.%s", created, random, size, blockSize, replace ? "r" : "n");
    }

    /** The plan named by the last element of {@code objectKey}, or null if it names none. */
    static PlanId parse(String objectKey) {
        String name = objectKey.substring(objectKey.lastIndexOf('/') + 1);
        String[] f = name.split("\\.");
        if (f.length != 5 || f[0].length() != 13 || f[1].length() != 16 || !(f[4].equals("r") || f[4].equals("n"))) {
            return null;
        }
        try {
            return new PlanId(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), f[4].equals("r"));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
