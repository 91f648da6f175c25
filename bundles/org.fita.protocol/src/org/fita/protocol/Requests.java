package org.fita.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * Builds request objects. Fields come in the order classic clients send them ({@code type},
 * {@code operation}, {@code direction}, then the token and the operation's fields), so that the
 * bytes match the captures of STEP-PROTOCOL section 12.
 */
public final class Requests {
    private Requests() {
    }

    public static JsonObject of(MessageType type, Operation operation) {
        JsonObject o = new JsonObject();
        o.addProperty(Fields.TYPE, type.wireName());
        o.addProperty(Fields.OPERATION, operation.wireName());
        o.addProperty(Fields.DIRECTION, Direction.REQUEST.wireName());
        return o;
    }

    private static JsonObject withToken(MessageType type, Operation operation, String token) {
        JsonObject o = of(type, operation);
        o.addProperty(Fields.TOKEN, token);
        return o;
    }

    public static JsonObject login(String username, String password) {
        JsonObject o = of(MessageType.AUTH, Operation.LOGIN);
        o.addProperty(Fields.USERNAME, username);
        o.addProperty(Fields.PASSWORD, password);
        return o;
    }

    /** FILE SAVE: asks for an upload plan. A null key lets the server choose one. */
    public static JsonObject fileSave(String token, String key, long size) {
        JsonObject o = withToken(MessageType.FILE, Operation.SAVE, token);
        if (key != null) {
            o.addProperty(Fields.KEY, key);
        }
        o.addProperty(Fields.SIZE, size);
        return o;
    }

    public static JsonObject upload(String token, String key, long blockIndex) {
        JsonObject o = withToken(MessageType.FILE, Operation.UPLOAD, token);
        o.addProperty(Fields.KEY, key);
        o.addProperty(Fields.BLOCK_INDEX, blockIndex);
        return o;
    }

    public static JsonObject fileGet(String token, String key) {
        JsonObject o = withToken(MessageType.FILE, Operation.GET, token);
        o.addProperty(Fields.KEY, key);
        return o;
    }

    public static JsonObject download(String token, String key, long blockIndex) {
        JsonObject o = withToken(MessageType.FILE, Operation.DOWNLOAD, token);
        o.addProperty(Fields.KEY, key);
        o.addProperty(Fields.BLOCK_INDEX, blockIndex);
        return o;
    }

    public static JsonObject fileDelete(String token, String key) {
        JsonObject o = withToken(MessageType.FILE, Operation.DELETE, token);
        o.addProperty(Fields.KEY, key);
        return o;
    }

    /** DATA SAVE of a record made of {@code fields}; a null key lets the server choose one. */
    public static JsonObject dataSave(String token, String key, Map<String, ?> fields) {
        JsonObject o = withToken(MessageType.DATA, Operation.SAVE, token);
        if (key != null) {
            o.addProperty(Fields.KEY, key);
        }
        if (fields != null) {
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number n) {
                    o.addProperty(e.getKey(), n);
                } else if (v instanceof Boolean b) {
                    o.addProperty(e.getKey(), b);
                } else if (v instanceof com.google.gson.JsonElement j) {
                    o.add(e.getKey(), j);
                } else {
                    o.addProperty(e.getKey(), v == null ? null : v.toString());
                }
            }
        }
        return o;
    }

    public static JsonObject dataGet(String token, String key) {
        JsonObject o = withToken(MessageType.DATA, Operation.GET, token);
        o.addProperty(Fields.KEY, key);
        return o;
    }

    public static JsonObject dataDelete(String token, String key) {
        JsonObject o = withToken(MessageType.DATA, Operation.DELETE, token);
        o.addProperty(Fields.KEY, key);
        return o;
    }

    public static JsonObject bye(String token) {
        JsonObject o = of(MessageType.AUTH, Operation.BYE);
        if (token != null) {
            o.addProperty(Fields.TOKEN, token);
        }
        return o;
    }

    /** FiTA LIST: one page of the user's finished files, keys in ascending order. */
    public static JsonObject list(String token, String prefix, String after, int limit) {
        JsonObject o = withToken(MessageType.FILE, Operation.LIST, token);
        o.addProperty(Fields.FITA_VERSION, Extensions.VERSION);
        if (prefix != null) {
            o.addProperty(Fields.PREFIX, prefix);
        }
        if (after != null) {
            o.addProperty(Fields.AFTER, after);
        }
        o.addProperty(Fields.LIMIT, limit);
        return o;
    }

    /**
     * FiTA BATCH_GET (extension "batch-get"): the finished files {@code files} names, each
     * {@code {"key", "size", "md5"}} as a listing gave it; the server sends a file's bytes only if
     * it still has that size and MD5.
     */
    public static JsonObject batchGet(String token, JsonArray files) {
        JsonObject o = withToken(MessageType.FILE, Operation.BATCH_GET, token);
        o.addProperty(Fields.FITA_VERSION, Extensions.VERSION);
        o.add(Fields.FILES, files);
        return o;
    }

    /** Marks a request as coming from a FiTA peer, which opts it into the extensions. */
    public static JsonObject fita(JsonObject request) {
        request.addProperty(Fields.FITA_VERSION, Extensions.VERSION);
        return request;
    }
}
