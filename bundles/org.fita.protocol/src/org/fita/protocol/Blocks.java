package org.fita.protocol;

/** Block arithmetic of upload and download plans. */
public final class Blocks {
    private Blocks() {
    }

    /** The block size of every classic plan ({@code MAX_PACKET_SIZE} of the reference server). */
    public static final int CLASSIC_BLOCK_SIZE = 20480;
    /** Smallest block size a FiTA client may ask for. */
    public static final int MIN_BLOCK_SIZE = 4 * 1024;
    /** Largest block size a FiTA client may ask for. */
    public static final int MAX_BLOCK_SIZE = 16 * 1024 * 1024;

    /** ceil(size / blockSize); 0 for an empty file. */
    public static long totalBlocks(long size, int blockSize) {
        return size == 0 ? 0 : (size - 1) / blockSize + 1;
    }

    public static long offset(long index, int blockSize) {
        return index * blockSize;
    }

    /** Length of block {@code index} of a file of {@code size} bytes. */
    public static int length(long size, int blockSize, long index) {
        long start = index * blockSize;
        return (int) Math.max(0, Math.min(blockSize, size - start));
    }
}
