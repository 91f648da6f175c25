package org.fita.server.storage;

import com.google.gson.JsonObject;
import org.fita.protocol.StepJson;

/**
 * A finished upload.
 *
 * @param key      the key it was uploaded under
 * @param size     its length in bytes
 * @param md5      lowercase hex MD5 of its bytes
 * @param modified when the upload completed, milliseconds since the epoch
 */
public record StoredFile(String key, long size, String md5, long modified) {

    /** The content of its {@code .meta} file beside the bytes, as {@code UserSpace.readMeta} reads it back. */
    byte[] metaJson() {
        JsonObject meta = new JsonObject();
        meta.addProperty("key", key);
        meta.addProperty("size", size);
        meta.addProperty("md5", md5);
        meta.addProperty("modified", modified);
        return StepJson.encode(meta);
    }
}
