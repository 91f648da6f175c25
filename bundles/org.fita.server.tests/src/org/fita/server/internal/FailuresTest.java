package org.fita.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketException;
import java.util.Optional;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.Operation;
import org.fita.protocol.Status;
import org.fita.server.internal.Failures.BlockIndexProblem;
import org.fita.server.storage.InsufficientStorageException;
import org.fita.server.storage.QuotaExceededException;
import org.fita.server.storage.StorageException;
import org.fita.server.storage.UploadRestartedException;
import org.junit.jupiter.api.Test;

/** The status table of {@link Failures}. */
class FailuresTest {

    @Test
    void exceptionsMapToTheirStatus() {
        assertEquals(Optional.of(Status.INSUFFICIENT_STORAGE),
                Failures.statusOf(new InsufficientStorageException("full", null)));
        assertEquals(Optional.of(Status.QUOTA_EXCEEDED), Failures.statusOf(new QuotaExceededException("over")));
        assertEquals(Optional.of(Status.OPERATION_NOT_ALLOWED), Failures.statusOf(new UploadRestartedException("k")));
        assertEquals(Optional.of(Status.NOT_FOUND), Failures.statusOf(new Refused(Status.NOT_FOUND, "gone")));
        assertEquals(Optional.empty(), Failures.statusOf(new StorageException("other")));
        assertEquals(Optional.empty(), Failures.statusOf(new IOException("other")));
        assertEquals(Optional.empty(), Failures.statusOf(new IllegalStateException("bug")));
    }

    @Test
    void onlyTheConnectionsOwnFailuresEndIt() {
        assertEquals(true, Failures.endsConnection(new SocketException("reset")));
        assertEquals(true, Failures.endsConnection(new MalformedFrameException("cut")));
        assertEquals(false, Failures.endsConnection(new IOException("disk")));
    }

    @Test
    void blockIndexStatusesDifferOnlyPastTheLastBlock() {
        for (BlockIndexProblem p : BlockIndexProblem.values()) {
            Status up = Failures.status(p, Operation.UPLOAD);
            Status down = Failures.status(p, Operation.DOWNLOAD);
            if (p == BlockIndexProblem.PAST_LAST) {
                assertEquals(Status.BLOCK_INDEX_OVER_MAX, up);
                assertEquals(Status.FIELD_MISSING, down);
            } else {
                assertEquals(up, down, p.name());
            }
        }
        assertEquals(Status.INVALID_VALUE, Failures.status(BlockIndexProblem.NOT_INTEGER, Operation.UPLOAD));
    }
}
