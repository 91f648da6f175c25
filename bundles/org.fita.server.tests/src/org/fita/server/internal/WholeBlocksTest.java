package org.fita.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.fita.server.storage.BlockBuffers;
import org.junit.jupiter.api.Test;

/** The download's whole-block buffers (aligned capacities) stay within their budget and are reused. */
class WholeBlocksTest {
    private static final int MIB = 1 << 20;

    @Test
    void theBudgetBoundsTheBuffersAndGivenBackOnesAreReused() {
        BlockBuffers pool = new BlockBuffers(2 * MIB);
        ByteBuffer a = pool.takeAligned(MIB);
        ByteBuffer b = pool.takeAligned(MIB - 100);
        assertNotNull(a);
        assertNotNull(b);
        assertTrue(a.isDirect());
        assertEquals(0, a.alignmentOffset(0, BlockBuffers.ALIGNMENT), "aligned for direct reads");
        assertEquals(MIB, b.capacity(), "capacity rounded up to the alignment");
        assertNull(pool.takeAligned(MIB), "budget spent: the caller streams the block instead");
        pool.give(a);
        assertSame(a, pool.takeAligned(MIB), "given back, lent again");
        assertEquals(2 * MIB, pool.allocated());
    }

    @Test
    void freeBuffersOfAnotherSizeMakeRoom() {
        BlockBuffers pool = new BlockBuffers(2 * MIB);
        ByteBuffer small = pool.takeAligned(MIB);
        ByteBuffer other = pool.takeAligned(MIB);
        pool.give(small);
        pool.give(other);
        ByteBuffer large = pool.takeAligned(2 * MIB);
        assertNotNull(large, "the free smaller buffers gave their room");
        assertEquals(2 * MIB, pool.allocated());
        assertNull(pool.takeAligned(3 * MIB), "larger than the whole budget");
    }
}
