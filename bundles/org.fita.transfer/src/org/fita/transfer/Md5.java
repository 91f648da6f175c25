package org.fita.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MD5, the digest STEP verifies files with (and derives classic passwords from). */
final class Md5 {
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
