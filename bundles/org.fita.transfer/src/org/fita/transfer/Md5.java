package org.fita.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.fita.transfer.StepException.LocalFileException;

/** MD5, the digest STEP verifies files with (and derives classic passwords from). */
public final class Md5 {
    /**
     * The buffer a file is read through to hash it: small enough to stay in the CPU's cache between
     * the copy from the page cache and the hashing, which a 1 MiB buffer does not (measured: with
     * 1 MiB the copy cost a fifth of the MD5's own time; with this size about half as much).
     */
    static final int READ_CHUNK = 128 << 10;

    private Md5() {
    }

    /** The lowercase hex MD5 of {@code file}'s content. */
    public static String ofFile(Path file) throws LocalFileException {
        MessageDigest md5 = create();
        byte[] buffer = new byte[READ_CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                md5.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new LocalFileException("Reading " + file + " failed: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    static MessageDigest create() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
