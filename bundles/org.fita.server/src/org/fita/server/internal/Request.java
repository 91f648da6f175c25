package org.fita.server.internal;

import java.util.OptionalLong;
import java.util.UUID;
import org.fita.protocol.Blocks;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.MessageType;
import org.fita.protocol.Names;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.internal.Failures.BlockIndexProblem;

/**
 * A request whose envelope the dispatcher has checked, with the field rules handlers share.
 *
 * @param frame the frame, its binary part still unread
 * @param user  whom the token names, or null before a token is checked (LOGIN, BYE)
 * @param from  the client's address, for login throttling, or null
 */
record Request(IncomingFrame frame, StepMessage message, Operation operation, MessageType type, String user,
        String from, ServerConfig config) {

    /** The server offers FiTA extensions (not --classic-only). */
    boolean extensions() {
        return !config.classicOnly();
    }

    /** The server offers extensions and this request opted in with fita_version. */
    boolean fita() {
        return extensions() && message.fitaVersion() > 0;
    }

    /** A boolean extension field, false unless the request opted in. */
    boolean flag(String field) {
        return fita() && message.bool(field).orElse(false);
    }

    /** The key: refused with 410 ({@code missingMessage}) if absent, 411 if unusable. */
    String key(String missingMessage) throws Refused {
        if (!message.has(Fields.KEY)) {
            throw new Refused(Status.FIELD_MISSING, missingMessage);
        }
        return checkedKey();
    }

    /** The key, or a new random one if absent (SAVE, as the reference does). */
    String keyOrNew() throws Refused {
        return message.has(Fields.KEY) ? checkedKey() : UUID.randomUUID().toString();
    }

    private String checkedKey() throws Refused {
        String key = message.key();
        if (key == null) {
            throw new Refused(Status.INVALID_VALUE, "Field \"key\" has to be a string.");
        }
        String problem = Names.keyProblem(key).orElse(null);
        if (problem != null) {
            throw new Refused(Status.INVALID_VALUE, problem);
        }
        return key;
    }

    /** The block size a FiTA request asks for in block_size, or the classic one. */
    int blockSize() throws Refused {
        if (!fita() || !message.has(Fields.BLOCK_SIZE)) {
            return Blocks.CLASSIC_BLOCK_SIZE;
        }
        OptionalLong bs = message.integer(Fields.BLOCK_SIZE);
        if (bs.isEmpty() || bs.getAsLong() < Blocks.MIN_BLOCK_SIZE || bs.getAsLong() > config.maxBlockSize()) {
            throw new Refused(Status.INVALID_VALUE, "\"block_size\" has to be an integer from "
                    + Blocks.MIN_BLOCK_SIZE + " to " + config.maxBlockSize() + ".");
        }
        return (int) bs.getAsLong();
    }

    /** The block_index field, present and an integer (range is {@link #checkBlockIndex}). */
    long blockIndex() throws Refused {
        if (!message.has(Fields.BLOCK_INDEX)) {
            throw Failures.refusal(BlockIndexProblem.MISSING, operation);
        }
        OptionalLong index = message.integer(Fields.BLOCK_INDEX);
        if (index.isEmpty()) {
            throw Failures.refusal(BlockIndexProblem.NOT_INTEGER, operation);
        }
        return index.getAsLong();
    }

    /** Refuses an index outside 0 .. total-1; past the end first, as the reference checks. */
    void checkBlockIndex(long index, long totalBlocks) throws Refused {
        if (index >= totalBlocks) {
            throw Failures.refusal(BlockIndexProblem.PAST_LAST, operation);
        }
        if (index < 0) {
            throw Failures.refusal(BlockIndexProblem.NEGATIVE, operation);
        }
    }

    /** A reply naming this request's user. */
    Reply reply(Replies replies) {
        return Reply.of(replies.build(), user);
    }
}
