package org.fita.transfer;

import java.util.Base64;
import java.util.BitSet;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.Md5Hex;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.ProtocolViolationException;

/**
 * The numbers of a server's upload or download plan, checked against the protocol's limits before
 * anything is allocated or written with them: a broken or hostile server gets a
 * {@link ProtocolViolationException}, never a hang, a huge buffer or a huge file.
 */
final class Plans {
    /** Largest file size a plan may announce: 2^50 bytes (1 PiB), far beyond any real server's limit. */
    static final long MAX_SIZE = 1L << 50;

    private Plans() {
    }

    /** The plan's block size: 1 to {@link Blocks#MAX_BLOCK_SIZE} bytes; the classic 20480 when absent. */
    static int blockSize(StepMessage plan, ServerAddress server) throws ProtocolViolationException {
        if (!plan.has(Fields.BLOCK_SIZE)) {
            return Blocks.CLASSIC_BLOCK_SIZE;
        }
        long value = plan.integer(Fields.BLOCK_SIZE).orElse(-1);
        if (value < 1 || value > Blocks.MAX_BLOCK_SIZE) {
            throw new ProtocolViolationException("The server at " + server + " planned blocks of "
                    + plan.json().get(Fields.BLOCK_SIZE) + " bytes; STEP blocks are 1 to " + Blocks.MAX_BLOCK_SIZE
                    + " bytes. The transfer was stopped.");
        }
        return (int) value;
    }

    /** The plan's file size: 0 to {@link #MAX_SIZE}. */
    static long size(StepMessage plan, ServerAddress server) throws ProtocolViolationException {
        long value = plan.integer(Fields.SIZE).orElse(-1);
        if (value < 0 || value > MAX_SIZE) {
            throw new ProtocolViolationException("The server at " + server + " planned a file of "
                    + plan.json().get(Fields.SIZE) + " bytes, which is not a size from 0 to " + MAX_SIZE
                    + " bytes. The transfer was stopped.");
        }
        return value;
    }

    /** The plan's block count, which must be ceil(size / block size) (when given) and fit a block index. */
    static long totalBlocks(StepMessage plan, long size, int blockSize, ServerAddress server)
            throws ProtocolViolationException {
        long expected = Blocks.totalBlocks(size, blockSize);
        if (plan.has(Fields.TOTAL_BLOCK) && plan.integer(Fields.TOTAL_BLOCK).orElse(-1) != expected) {
            throw new ProtocolViolationException("The server at " + server + " planned "
                    + plan.json().get(Fields.TOTAL_BLOCK) + " blocks for " + size + " bytes in blocks of " + blockSize
                    + "; that takes " + expected + ". The transfer was stopped.");
        }
        if (expected >= Integer.MAX_VALUE) {
            throw new ProtocolViolationException("The server at " + server + " planned " + expected
                    + " blocks; at most " + (Integer.MAX_VALUE - 1) + " are possible. Use larger blocks.");
        }
        return expected;
    }

    /** The blocks an upload plan says the server holds: a bitmap no longer than the plan. */
    static BitSet heldBlocks(StepMessage plan, long total, ServerAddress server) throws ProtocolViolationException {
        if (!plan.has(Fields.RECEIVED_BITMAP)) {
            return new BitSet();
        }
        String text = plan.string(Fields.RECEIVED_BITMAP).orElse(null);
        if (text == null || text.length() > (total / 8 + 2) * 4 / 3 + 4) {
            throw new ProtocolViolationException("The server at " + server + " sent a received_bitmap that is not a"
                    + " string for " + total + " blocks. The transfer was stopped.");
        }
        BitSet held;
        try {
            held = BitSet.valueOf(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException("The server at " + server + " sent a received_bitmap that is not"
                    + " Base64. The transfer was stopped.");
        }
        if (held.length() > total) {
            throw new ProtocolViolationException("The server at " + server + " says it holds block "
                    + (held.length() - 1) + " of a plan of " + total + " blocks. The transfer was stopped.");
        }
        return held;
    }

    /** The plan's MD5: 32 hexadecimal digits. */
    static String md5(StepMessage plan, ServerAddress server) throws ProtocolViolationException {
        String md5 = plan.string(Fields.MD5).orElse("");
        if (!Md5Hex.isValid(md5)) {
            throw new ProtocolViolationException("The server at " + server + " sent a download plan without a valid"
                    + " md5 (\"" + md5 + "\"). The transfer was stopped.");
        }
        return md5;
    }
}
