package org.fita.server.internal;

import org.fita.server.storage.BlockBuffers;

/**
 * The buffers that downloads read a whole block into, shared by every connection of the JVM; a
 * buffer is lent for one reply only. Direct and 4 KiB-aligned, so that the local store reads into
 * them with direct I/O.
 */
final class WholeBlocks {
    /** Smaller blocks gain nothing from being read whole. */
    static final int MIN_BLOCK = 256 << 10;
    /** A sixteenth of the heap limit, at most 32 MiB. */
    static final BlockBuffers SHARED = new BlockBuffers(Math.min(32L << 20, Runtime.getRuntime().maxMemory() / 16));

    private WholeBlocks() {
    }
}
