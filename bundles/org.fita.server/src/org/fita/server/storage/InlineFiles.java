package org.fita.server.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The two files of an inline upload, each written and synced through the channel that wrote it before
 * the group commit renames them. One file after the other on the storing thread: many files are stored
 * at once, so their syncs still share journal commits, without a thread and two opens more per file.
 */
final class InlineFiles {
    private static final int CHUNK = 64 * 1024;

    private InlineFiles() {
    }

    /**
     * Copies exactly {@code size} bytes of {@code data} to {@code target}, syncs them through the same
     * channel (no second open), and returns their MD5.
     */
    static String write(Path target, InputStream data, long size, String what) throws IOException {
        MessageDigest md5 = LocalBlobStore.newMd5();
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
        try (FileChannel ch = PrivateFiles.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                int n = data.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new EOFException("the request ended " + left + " bytes before its binary part");
                }
                md5.update(chunk, 0, n);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                left -= n;
            }
            ch.force(true);
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw DiskErrors.classify(e, what);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** Writes the metadata of {@code file} and syncs it. */
    static void writeMeta(Path target, StoredFile file, String what) throws IOException {
        try (FileChannel ch = PrivateFiles.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(file.metaJson());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            throw DiskErrors.classify(e, what);
        }
    }
}
