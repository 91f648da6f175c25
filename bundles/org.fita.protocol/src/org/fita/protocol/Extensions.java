package org.fita.protocol;

import java.util.List;

/**
 * FiTA's extensions to STEP, announced in the LOGIN reply to a request that carries
 * {@link Fields#FITA_VERSION}. A classic peer never sends that field and never sees any of this.
 * The exact wire format is in docs/protocol-extensions.md.
 */
public final class Extensions {
    private Extensions() {
    }

    /** The version of the extension set described here. */
    public static final int VERSION = 1;

    /** Many requests may be in flight on one connection; replies come back in request order. */
    public static final String PIPELINING = "pipelining";
    /** FILE SAVE may carry {@code block_size} within the announced bounds. */
    public static final String BLOCK_SIZE = "block-size";
    /** FILE SAVE with {@code resume: true} keeps the blocks of an unfinished upload and lists them. */
    public static final String RESUME = "resume";
    /** FILE LIST pages through the user's finished files. */
    public static final String LIST = "list";
    /** UPLOAD may carry, and DOWNLOAD may return, a CRC-32C of the block. */
    public static final String BLOCK_CRC32C = "block-crc32c";
    /** Tokens are HMAC-signed and expire; the LOGIN reply says when. */
    public static final String EXPIRING_TOKENS = "expiring-tokens";
    /**
     * FILE SAVE may carry {@code replace: true} for a key that names a finished file: the old file
     * stays readable until the new upload completes and verifies, then is replaced atomically.
     */
    public static final String REPLACE = "replace";
    /** The LOGIN reply carries the user's {@code usage} (stored, promised, quota); plans over quota get 415. */
    public static final String QUOTA = "quota";
    /**
     * FILE SAVE with {@code inline: true} carries a small file whole in its binary part, with its
     * {@code md5}: plan, data and completion in one round trip.
     */
    public static final String INLINE_UPLOAD = "inline-upload";
    /** The largest file a FiTA server takes inline ({@code limits.max_inline_bytes} may say less). */
    public static final int MAX_INLINE_BYTES = 1 << 20;

    /**
     * FILE BATCH_GET asks for many small finished files at once; the reply carries each file's
     * outcome and the bytes of those found unchanged, one after another, in its binary part.
     */
    public static final String BATCH_GET = "batch-get";
    /** The most files a FiTA server sends in one BATCH_GET ({@code limits.max_batch_files} may say less). */
    public static final int MAX_BATCH_FILES = 64;
    /** The most bytes a FiTA server sends in one BATCH_GET ({@code limits.max_batch_bytes} may say less). */
    public static final int MAX_BATCH_BYTES = 4 << 20;

    /**
     * This port also accepts TLS (a connection whose first byte is 0x16). Announced only when the
     * server has TLS configured; a client that logged in over plain STEP can warn or reconnect.
     */
    public static final String TLS = "tls";

    /** The extensions every FiTA server announces; {@link #TLS} is added only when configured. */
    public static final List<String> ALL = List.of(PIPELINING, BLOCK_SIZE, RESUME, LIST, BLOCK_CRC32C, EXPIRING_TOKENS,
            REPLACE, QUOTA, INLINE_UPLOAD, BATCH_GET);
}
