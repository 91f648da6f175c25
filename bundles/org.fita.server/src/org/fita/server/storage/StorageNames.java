package org.fita.server.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How names become file names: the lowercase hex SHA-256 of the name's UTF-8 bytes. The result is
 * 64 characters of [0-9a-f] whatever the name holds, so no key or username can climb out of its
 * folder, collide on a case-insensitive file system, or exceed a file system's name length.
 */
final class StorageNames {
    private StorageNames() {
    }

    static String encode(String name) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
