package org.fita.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON text as STEP peers write and read it.
 *
 * <p>Writing follows Python's {@code json.dumps} defaults, which the reference server and the
 * classic clients use ({@code ", "} and {@code ": "} separators), with every non-ASCII character
 * escaped. Escaping keeps the byte count equal to the character count, so a reply is framed
 * correctly both for byte-counting clients and for clients that count characters (STEP-PROTOCOL
 * B1).
 *
 * <p>Reading is strict: the bytes must be valid UTF-8 and hold exactly one JSON value.
 */
public final class StepJson {
    private StepJson() {
    }

    /** Encodes a JSON object as the ASCII bytes of its text. */
    public static byte[] encode(JsonObject object) {
        return toText(object).getBytes(StandardCharsets.US_ASCII);
    }

    /** The text of a JSON value, Python-style separators, non-ASCII escaped. */
    public static String toText(JsonElement element) {
        StringBuilder out = new StringBuilder(128);
        write(element, out);
        return out.toString();
    }

    private static void write(JsonElement element, StringBuilder out) {
        if (element == null || element.isJsonNull()) {
            out.append("null");
        } else if (element.isJsonObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                writeString(entry.getKey(), out);
                out.append(": ");
                write(entry.getValue(), out);
            }
            out.append('}');
        } else if (element.isJsonArray()) {
            out.append('[');
            JsonArray array = element.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                write(array.get(i), out);
            }
            out.append(']');
        } else {
            JsonPrimitive primitive = element.getAsJsonPrimitive();
            if (primitive.isString()) {
                writeString(primitive.getAsString(), out);
            } else if (primitive.isBoolean()) {
                out.append(primitive.getAsBoolean() ? "true" : "false");
            } else {
                out.append(primitive.getAsNumber().toString());
            }
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Decodes the JSON part of a frame.
     *
     * @throws MalformedFrameException if the bytes are not UTF-8, not JSON, or not a JSON object
     */
    public static JsonObject decodeObject(byte[] bytes, int length) throws MalformedFrameException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrameException("The JSON part is not valid UTF-8.", e);
        }
        JsonElement element = parse(text);
        if (!element.isJsonObject()) {
            throw new MalformedFrameException("The JSON part is not a JSON object.");
        }
        return element.getAsJsonObject();
    }

    /** Parses one complete JSON value, rejecting trailing data and non-standard syntax. */
    public static JsonElement parse(String text) throws MalformedFrameException {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedFrameException("The JSON part has data after its value.");
            }
            return element;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            if (e instanceof MalformedFrameException m) {
                throw m;
            }
            throw new MalformedFrameException("The JSON part is not valid JSON: " + e.getMessage(), e);
        }
    }
}
