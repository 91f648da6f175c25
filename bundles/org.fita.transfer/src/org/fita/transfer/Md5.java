package org.fita.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MD5, the digest STEP verifies files with (and derives classic passwords from). */
final class Md5 {
    /**
     * The buffer a file is read through to hash it: small enough to stay in the CPU's cache between
     * the copy from the page cache and the hashing, which a 1 MiB buffer does not (measured: with
     * 1 MiB the copy cost a fifth of the MD5's own time; with this size about half as much).
     */
    static final int READ_CHUNK = 128 << 10;

    private Md5() {
    }

    static MessageDigest create() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
