package org.fita.protocol;

/** Values of the {@code direction} field. */
public enum Direction {
    REQUEST, RESPONSE;

    /** The direction that triggers the reference server's easter egg (STEP-PROTOCOL section 9). */
    public static final String EARTH = "EARTH";

    public String wireName() {
        return name();
    }
}
