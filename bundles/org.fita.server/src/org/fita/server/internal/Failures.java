package org.fita.server.internal;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.storage.InsufficientStorageException;
import org.fita.server.storage.QuotaExceededException;
import org.fita.server.storage.UploadRestartedException;

/** The one place where failures become status codes. */
final class Failures {
    private Failures() {
    }

    /**
     * The status for a failure a handler lets through, or empty for an unexpected one (500). A
     * storage failure's message is written for the client and becomes the status_msg.
     */
    static Optional<Status> statusOf(Exception e) {
        if (e instanceof Refused r) {
            return Optional.of(r.status());
        }
        if (e instanceof InsufficientStorageException) {
            return Optional.of(Status.INSUFFICIENT_STORAGE); // 507: disk full, or less than was promised
        }
        if (e instanceof QuotaExceededException) {
            return Optional.of(Status.QUOTA_EXCEEDED); // 415
        }
        if (e instanceof UploadRestartedException) {
            return Optional.of(Status.OPERATION_NOT_ALLOWED); // 408, as for any upload that is not planned
        }
        return Optional.empty();
    }

    /** Failures of the connection itself: nothing more can be read or answered on it. */
    static boolean endsConnection(IOException e) {
        return e instanceof MalformedFrameException || e instanceof SocketException
                || e instanceof SocketTimeoutException;
    }

    /** The 500 reply to a request that failed unexpectedly; the connection stays usable. */
    static Reply unexpected(StepMessage request, Exception e) {
        return Reply.of(Replies.of(String.valueOf(request.operation()), String.valueOf(request.type()),
                Status.SERVER_ERROR, "The server failed: " + e.getMessage()
                        + ". The request may be retried; the server log has details.").build(), null);
    }

    /** What can be wrong with a block_index, in the order the reference checks it. */
    enum BlockIndexProblem {
        MISSING("The \"block_index\" is compulsory."),
        NOT_INTEGER("The \"block_index\" has to be an integer."),
        PAST_LAST("The \"block_index\" exceed the max index."),
        NEGATIVE("The \"block_index\" should >= 0.");

        final String message;

        BlockIndexProblem(String message) {
            this.message = message;
        }
    }

    /**
     * The status of each block_index problem, per operation:
     *
     * <pre>
     * problem      UPLOAD  DOWNLOAD
     * MISSING      410     410
     * NOT_INTEGER  411     411       (FiTA; the reference crashes)
     * PAST_LAST    405     410
     * NEGATIVE     410     410
     * </pre>
     *
     * PAST_LAST differs because the 2024 reference (STEP-PROTOCOL 7.2, 7.4, 15) answers so, and
     * classic clients get its replies exactly.
     */
    static Status status(BlockIndexProblem problem, Operation op) {
        return switch (problem) {
            case MISSING, NEGATIVE -> Status.FIELD_MISSING;
            case NOT_INTEGER -> Status.INVALID_VALUE;
            case PAST_LAST -> op == Operation.UPLOAD ? Status.BLOCK_INDEX_OVER_MAX : Status.FIELD_MISSING;
        };
    }

    static Refused refusal(BlockIndexProblem problem, Operation op) {
        return new Refused(status(problem, op), problem.message);
    }
}
