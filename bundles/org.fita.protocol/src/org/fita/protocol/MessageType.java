package org.fita.protocol;

import java.util.Optional;

/** Values of the {@code type} field. */
public enum MessageType {
    FILE, DATA, AUTH,
    /** Only in replies to requests that fail validation. */
    ERROR,
    /** Only in the reply to the easter egg. */
    DANGEROUS;

    public String wireName() {
        return name();
    }

    /** The type a request may name, exactly as spelt on the wire. */
    public static Optional<MessageType> ofRequest(String value) {
        for (MessageType t : new MessageType[] {FILE, DATA, AUTH}) {
            if (t.name().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
