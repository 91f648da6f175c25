package org.fita.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException.LocalFileException;

/** Local files compared with the server's: whether a transfer would move anything at all. */
final class LocalFiles {
    private static final int READ_CHUNK = 128 << 10;

    private LocalFiles() {
    }

    /** True if {@code file} has {@code remote}'s size and MD5; the size is compared first, as it costs nothing. */
    static boolean sameContent(Path file, RemoteFile remote) throws LocalFileException {
        try {
            return Files.size(file) == remote.size() && md5(file).equalsIgnoreCase(remote.md5());
        } catch (IOException e) {
            throw new LocalFileException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String md5(Path file) throws IOException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
        byte[] buffer = new byte[READ_CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md5.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }
}
