package org.fita.server.storage;

/**
 * A finished upload.
 *
 * @param key      the key it was uploaded under
 * @param size     its length in bytes
 * @param md5      lowercase hex MD5 of its bytes
 * @param modified when the upload completed, milliseconds since the epoch
 */
public record StoredFile(String key, long size, String md5, long modified) {
}
