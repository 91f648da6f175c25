package org.fita.protocol;

import java.util.Optional;

/** What became of one file of a BATCH_GET (extension "batch-get"), as its reply entry's {@code outcome} says. */
public enum BatchOutcome {
    /** Its bytes follow in the binary part: exactly the size and MD5 asked for. */
    OK("ok"),
    /** No finished file has the key (an unfinished upload does not count). */
    NOT_FOUND("not_found"),
    /** The file's size or MD5 is no longer the one asked for; the entry says the current ones, no bytes follow. */
    CHANGED("changed");

    private final String wireName;

    BatchOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<BatchOutcome> ofWire(String value) {
        for (BatchOutcome o : values()) {
            if (o.wireName.equals(value)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
