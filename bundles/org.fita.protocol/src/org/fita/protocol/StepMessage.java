package org.fita.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Typed, read-only access to a message's JSON object. Accessors tell a missing field from one of
 * the wrong JSON type, so that a server can answer each with its own status.
 */
public final class StepMessage {
    private static final Pattern JSON_INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

    private final JsonObject json;

    public StepMessage(JsonObject json) {
        this.json = json;
    }

    public JsonObject json() {
        return json;
    }

    public boolean has(String field) {
        return json.has(field);
    }

    /** The field's text if it is a JSON string. */
    public Optional<String> string(String field) {
        JsonElement e = json.get(field);
        if (e instanceof JsonPrimitive p && p.isString()) {
            return Optional.of(p.getAsString());
        }
        return Optional.empty();
    }

    /**
     * The field's value if it is a JSON integer that fits a long. Floats such as {@code 1.0},
     * booleans and strings are not integers here.
     */
    public OptionalLong integer(String field) {
        JsonElement e = json.get(field);
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            String text = p.getAsNumber().toString();
            if (JSON_INTEGER.matcher(text).matches()) {
                try {
                    return OptionalLong.of(Long.parseLong(text));
                } catch (NumberFormatException tooLarge) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The field's value if it is a JSON boolean. */
    public Optional<Boolean> bool(String field) {
        JsonElement e = json.get(field);
        if (e instanceof JsonPrimitive p && p.isBoolean()) {
            return Optional.of(p.getAsBoolean());
        }
        return Optional.empty();
    }

    public String operation() {
        return string(Fields.OPERATION).orElse(null);
    }

    public String type() {
        return string(Fields.TYPE).orElse(null);
    }

    public String direction() {
        return string(Fields.DIRECTION).orElse(null);
    }

    public String token() {
        return string(Fields.TOKEN).orElse(null);
    }

    public String key() {
        return string(Fields.KEY).orElse(null);
    }

    /** The reply's status, or -1 if it has none. */
    public int status() {
        return (int) integer(Fields.STATUS).orElse(-1);
    }

    public String statusMessage() {
        return string(Fields.STATUS_MSG).orElse("");
    }

    public boolean isOk() {
        return status() == Status.OK.code();
    }

    /** The FiTA version a request or reply declares, or 0 for a classic peer. */
    public int fitaVersion() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, integer(Fields.FITA_VERSION).orElse(0)));
    }

    @Override
    public String toString() {
        return StepJson.toText(json);
    }
}
