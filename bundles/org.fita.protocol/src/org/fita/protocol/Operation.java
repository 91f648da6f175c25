package org.fita.protocol;

import java.util.Optional;

/** Values of the {@code operation} field. */
public enum Operation {
    SAVE, DELETE, GET, UPLOAD, DOWNLOAD, BYE, LOGIN,
    /** FiTA extension: a page of the user's finished files. */
    LIST,
    /** FiTA extension "batch-get": many small finished files in one reply. */
    BATCH_GET,
    /** Only in replies to requests that fail validation. */
    ERROR,
    /** Only in the reply to the easter egg (STEP-PROTOCOL section 9). */
    THREE_BODY("3BODY");

    private final String wireName;

    Operation() {
        this.wireName = name();
    }

    Operation(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The operation a request may name, exactly as spelt on the wire (case-sensitive). */
    public static Optional<Operation> ofRequest(String value) {
        for (Operation op : values()) {
            if (op.wireName.equals(value) && op != ERROR && op != THREE_BODY) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    public static Optional<Operation> ofWire(String value) {
        for (Operation op : values()) {
            if (op.wireName.equals(value)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
