package org.fita.server.test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoredFile;

/** Random content and its MD5, for upload tests. */
public final class TestFiles {
    private TestFiles() {
    }

    public static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    public static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] block(byte[] file, int blockSize, long index) {
        int start = (int) (index * blockSize);
        return Arrays.copyOfRange(file, start, Math.min(file.length, start + blockSize));
    }

    /** The whole of a finished file of {@code user}, read back through the store. */
    public static byte[] readBack(BlobStore store, String user, StoredFile file) throws IOException {
        byte[] back = new byte[(int) file.size()];
        try (BlobReader reader = store.open(user, file)) {
            ByteBuffer target = ByteBuffer.wrap(back);
            while (target.hasRemaining() && reader.read(target.position(), target) > 0) {
                // reads until full
            }
        }
        return back;
    }
}
