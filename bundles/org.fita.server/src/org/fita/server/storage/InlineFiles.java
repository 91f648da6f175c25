package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.fita.protocol.StepJson;

/** The two files of an inline upload, each written and synced before the group commit renames them. */
final class InlineFiles {
    private static final int CHUNK = 64 * 1024;
    private static final long SYNC_WAIT_SECONDS = 120;

    private InlineFiles() {
    }

    /** Copies exactly {@code size} bytes of {@code data} to {@code target} and returns their MD5; not synced yet. */
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
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw DiskErrors.classify(e, what);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** Writes the metadata of {@code file} as {@link Publication} does; not synced yet. */
    static void writeMeta(Path target, StoredFile file, String what) throws IOException {
        JsonObject meta = new JsonObject();
        meta.addProperty("key", file.key());
        meta.addProperty("size", file.size());
        meta.addProperty("md5", file.md5());
        meta.addProperty("modified", file.modified());
        try (FileChannel ch = PrivateFiles.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(StepJson.encode(meta));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            throw DiskErrors.classify(e, what);
        }
    }

    /**
     * Syncs both files at once: the file system merges syncs that wait together into one journal
     * commit, so two at once cost about what one costs.
     */
    static void syncBoth(Path bytes, Path meta, String what) throws IOException {
        java.util.concurrent.CompletableFuture<Void> other = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("fita-sync").start(() -> {
            try {
                sync(meta);
                other.complete(null);
            } catch (IOException | RuntimeException e) {
                other.completeExceptionally(e);
            }
        });
        try {
            sync(bytes);
        } catch (IOException e) {
            other.exceptionally(x -> null);
            throw DiskErrors.classify(e, what);
        }
        try {
            other.get(SYNC_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? DiskErrors.classify(io, what)
                    : new StorageException("Syncing failed while " + what + ": " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StorageException("The disk did not sync within " + SYNC_WAIT_SECONDS + " s while " + what + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while " + what + ".");
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
