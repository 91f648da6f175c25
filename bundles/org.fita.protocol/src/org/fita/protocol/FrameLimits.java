package org.fita.protocol;

/**
 * Upper bounds for the two parts of a frame, checked against the header before any allocation.
 *
 * @param maxJsonBytes   largest JSON part accepted, in bytes
 * @param maxBinaryBytes largest binary part accepted, in bytes
 * @param acceptCharacterCountedJson whether to recover frames whose JSON length counts characters
 *        instead of bytes, as clients built on the coursework handout's packet helper send them
 *        when their JSON holds non-ASCII text (STEP-PROTOCOL B2)
 */
public record FrameLimits(int maxJsonBytes, long maxBinaryBytes, boolean acceptCharacterCountedJson) {

    /** Generous limits for a client reading replies: DATA records and LIST pages can be large. */
    public static final FrameLimits CLIENT_DEFAULT = new FrameLimits(16 << 20, 64L << 20, false);

    public FrameLimits {
        if (maxJsonBytes < 64) {
            throw new IllegalArgumentException("maxJsonBytes must be at least 64, not " + maxJsonBytes);
        }
        if (maxBinaryBytes < 0 || maxBinaryBytes > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("maxBinaryBytes must be within 0..2^32-1, not " + maxBinaryBytes);
        }
    }
}
