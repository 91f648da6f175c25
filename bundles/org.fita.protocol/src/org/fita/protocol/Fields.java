package org.fita.protocol;

/** JSON field names: those of STEP (section 3) and those of FiTA's extensions (docs/protocol-extensions.md). */
public final class Fields {
    private Fields() {
    }

    public static final String OPERATION = "operation";
    public static final String DIRECTION = "direction";
    public static final String TYPE = "type";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String TOKEN = "token";
    public static final String KEY = "key";
    public static final String SIZE = "size";
    public static final String TOTAL_BLOCK = "total_block";
    public static final String BLOCK_SIZE = "block_size";
    public static final String BLOCK_INDEX = "block_index";
    public static final String MD5 = "md5";
    public static final String STATUS = "status";
    public static final String STATUS_MSG = "status_msg";

    /** Request: the sender speaks FiTA's extensions at this version. Reply to LOGIN: the server does. */
    public static final String FITA_VERSION = "fita_version";
    /** LOGIN reply: the server's name and version. */
    public static final String SERVER = "server";
    /** LOGIN reply: the extension names the server supports. */
    public static final String EXTENSIONS = "extensions";
    /** LOGIN reply: the server's limits, an object. */
    public static final String LIMITS = "limits";
    /** LOGIN reply: seconds until the token expires. */
    public static final String TOKEN_EXPIRES_IN = "token_expires_in";
    /** FILE SAVE request: keep the blocks already held for an unfinished upload. */
    public static final String RESUME = "resume";
    /**
     * FILE SAVE request ({@link Extensions#REPLACE}): the key may name a finished file; the new
     * upload replaces it only when it completes and verifies, so the old version stays until then.
     */
    public static final String REPLACE = "replace";
    /**
     * FILE SAVE request ({@link Extensions#INLINE_UPLOAD}): the binary part is the whole file, and
     * {@code md5} its MD5; the reply says the file is stored.
     */
    public static final String INLINE = "inline";
    /** FiTA LOGIN reply, in {@code limits}: the largest file a FILE SAVE may carry inline. */
    public static final String MAX_INLINE_BYTES = "max_inline_bytes";
    /** LOGIN limits: the most files and bytes of one BATCH_GET (extension "batch-get"). */
    public static final String MAX_BATCH_FILES = "max_batch_files";
    public static final String MAX_BATCH_BYTES = "max_batch_bytes";
    /** BATCH_GET reply entries: what became of each file asked for. */
    public static final String OUTCOME = "outcome";
    /** FiTA LOGIN reply: {@code {"stored_bytes", "promised_bytes", "quota_bytes"}} of the user (quota -1: none). */
    public static final String USAGE = "usage";
    /** FILE SAVE reply: base64 bitmap of the blocks already held (bit i = block i, LSB first). */
    public static final String RECEIVED_BITMAP = "received_bitmap";
    /** FILE SAVE reply: how many blocks are already held. */
    public static final String RECEIVED_COUNT = "received_count";
    /** UPLOAD request and DOWNLOAD reply: CRC-32C of the block, 8 lowercase hex digits. */
    public static final String BLOCK_CRC32C = "block_crc32c";
    /** DOWNLOAD request: ask for {@link #BLOCK_CRC32C} in the reply. */
    public static final String WANT_CRC32C = "want_crc32c";
    /** LIST request: only keys starting with this text. */
    public static final String PREFIX = "prefix";
    /** LIST request: only keys after this one (the previous page's {@link #NEXT_AFTER}). */
    public static final String AFTER = "after";
    /** LIST request: the largest page wanted. */
    public static final String LIMIT = "limit";
    /** LIST reply: the entries, each with key, size, md5 and modified. */
    public static final String FILES = "files";
    /** LIST reply: pass as {@link #AFTER} for the next page; absent on the last page. */
    public static final String NEXT_AFTER = "next_after";
    /** LIST entry: last modification, milliseconds since the epoch. */
    public static final String MODIFIED = "modified";
}
