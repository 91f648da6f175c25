package org.fita.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds reply objects in the reference server's field order: the operation's own fields first,
 * then {@code operation}, {@code direction}, {@code status}, {@code status_msg}, {@code type}.
 */
public final class Replies {
    private final String operation;
    private final String type;
    private final int status;
    private final String message;
    private final Map<String, JsonElement> fields = new LinkedHashMap<>();

    private Replies(String operation, String type, int status, String message) {
        this.operation = operation;
        this.type = type;
        this.status = status;
        this.message = message;
    }

    public static Replies of(String operation, String type, Status status, String message) {
        return new Replies(operation, type, status.code(), message);
    }

    public static Replies of(Operation operation, MessageType type, Status status, String message) {
        return of(operation.wireName(), type.wireName(), status, message);
    }

    public Replies with(String field, String value) {
        fields.put(field, new JsonPrimitive(value));
        return this;
    }

    public Replies with(String field, long value) {
        fields.put(field, new JsonPrimitive(value));
        return this;
    }

    public Replies with(String field, boolean value) {
        fields.put(field, new JsonPrimitive(value));
        return this;
    }

    public Replies with(String field, JsonElement value) {
        fields.put(field, value);
        return this;
    }

    public JsonObject build() {
        JsonObject o = new JsonObject();
        fields.forEach(o::add);
        o.addProperty(Fields.OPERATION, operation);
        o.addProperty(Fields.DIRECTION, Direction.RESPONSE.wireName());
        o.addProperty(Fields.STATUS, status);
        o.addProperty(Fields.STATUS_MSG, message);
        o.addProperty(Fields.TYPE, type);
        return o;
    }
}
