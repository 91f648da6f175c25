package org.fita.server.storage;

import com.google.gson.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where a server keeps files and DATA records. Usernames and keys are arbitrary names (already
 * checked against {@link org.fita.protocol.Names}); an implementation stores them so that no name
 * can reach outside its user's storage. Implementations are thread-safe.
 */
public interface BlobStore extends Closeable {

    /** The finished file under {@code key}, if there is one. */
    Optional<StoredFile> stat(String user, String key) throws IOException;

    /** Whether an unfinished upload exists under {@code key}. */
    boolean hasUnfinished(String user, String key) throws IOException;

    /** Opens a finished file for reading blocks; the caller closes it. */
    BlobReader open(String user, StoredFile file) throws IOException;

    /** Deletes a finished file; false if there was none. */
    boolean deleteFile(String user, String key) throws IOException;

    /** Deletes an unfinished upload; false if there was none. */
    boolean deleteUnfinished(String user, String key) throws IOException;

    /** A page of finished files whose keys start with {@code prefix} and sort after {@code after}. */
    ListPage list(String user, String prefix, String after, int limit) throws IOException;

    /**
     * Opens an upload plan. Without {@code resume}, or when the size or block size differ from an
     * unfinished upload's, the upload starts empty; with it, the blocks already held are kept.
     *
     * @throws InsufficientStorageException if the disk cannot hold {@code size} more bytes
     */
    default UploadSession beginUpload(String user, String key, long size, int blockSize, boolean resume)
            throws IOException {
        return beginUpload(user, key, size, blockSize, resume, false);
    }

    /**
     * Opens an upload plan, as above. With {@code replace}, a finished file under {@code key} stays
     * readable until the upload completes and verifies, and is then replaced atomically; without it,
     * the caller has checked that no finished file exists.
     *
     * @throws QuotaExceededException if the user's quota cannot hold {@code size} more bytes
     * @throws InsufficientStorageException if the disk, less what other unfinished uploads were
     *         promised, cannot hold {@code size} more bytes
     */
    UploadSession beginUpload(String user, String key, long size, int blockSize, boolean resume, boolean replace)
            throws IOException;

    /** What {@code user} uses now, and their quota. */
    Usage usage(String user) throws IOException;

    /** The unfinished upload under {@code key}, restored from disk after a restart if needed. */
    Optional<UploadSession> findUpload(String user, String key) throws IOException;

    /** Stores an empty file at once (a zero-byte upload has no blocks to complete it). */
    StoredFile storeEmpty(String user, String key) throws IOException;

    /** What {@link #storeInline} did. */
    enum InlineOutcome {
        /** The file is stored and durable. */
        STORED,
        /** A finished file has the key (and no replace was asked), or another request is storing it now. */
        EXISTS,
        /** The bytes do not have the MD5 the client sent; nothing was stored. */
        MD5_MISMATCH
    }

    /** The outcome of {@link #storeInline}, with the stored file when it is {@code STORED}. */
    record InlineResult(InlineOutcome outcome, StoredFile file) {
    }

    /**
     * Stores a small file sent whole (the inline-upload extension): reads exactly {@code size} bytes
     * from {@code data}, checks them against {@code md5} (lowercase hex), and publishes them. When
     * this returns {@code STORED} the file's bytes, metadata and directory entry are durable. Any
     * unfinished upload of the key is discarded, as a new plan would discard it.
     *
     * @throws QuotaExceededException if the user's quota cannot hold {@code size} more bytes
     * @throws InsufficientStorageException if the disk cannot
     */
    InlineResult storeInline(String user, String key, InputStream data, long size, String md5, boolean replace)
            throws IOException;

    /** Saves a DATA record; false if the key exists. */
    boolean saveData(String user, String key, JsonObject record) throws IOException;

    Optional<JsonObject> getData(String user, String key) throws IOException;

    boolean deleteData(String user, String key) throws IOException;

    /** Called by the server every 30 seconds: expiry sweeps and the like. */
    default void housekeeping() {
    }

    /** Where the files are, for the server's log. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
