package org.fita.protocol;

import com.google.gson.JsonObject;

/**
 * A complete STEP frame held in memory: a JSON object and a binary part (possibly empty). Used
 * for small messages; block payloads are streamed with {@link FrameReader} and {@link FrameWriter}.
 */
public record Frame(JsonObject json, byte[] payload) {
    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (json == null) {
            throw new IllegalArgumentException("json is required");
        }
        payload = payload == null ? EMPTY : payload;
    }

    public Frame(JsonObject json) {
        this(json, EMPTY);
    }

    public StepMessage message() {
        return new StepMessage(json);
    }
}
