package org.fita.protocol;

import java.util.Optional;

/** Values of the {@code operation} field. */
public enum Operation {
    SAVE, DELETE, GET, UPLOAD, DOWNLOAD, BYE, LOGIN,
    /** FiTA extension: a page of the user's finished files. */
    LIST(true),
    /** FiTA extension "batch-get": many small finished files in one reply. */
    BATCH_GET(true),
    /** Only in replies to requests that fail validation. */
    ERROR,
    /** Only in the reply to the easter egg (STEP-PROTOCOL section 9). */
    THREE_BODY("3BODY");

    private final String wireName;
    private final boolean extension;

    Operation() {
        this(false);
    }

    Operation(boolean extension) {
        this.wireName = name();
        this.extension = extension;
    }

    Operation(String wireName) {
        this.wireName = wireName;
        this.extension = false;
    }

    public String wireName() {
        return wireName;
    }

    /** An operation only FiTA servers know: a request may use it only if it opted in ({@code fita_version}). */
    public boolean isExtension() {
        return extension;
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
