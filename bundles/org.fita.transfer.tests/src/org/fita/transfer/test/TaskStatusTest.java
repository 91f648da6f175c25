package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.TransferTask.State;
import org.fita.transfer.TransferTask.Status;
import org.junit.jupiter.api.Test;

/** How a task's status follows its events, including events that arrive late from worker threads. */
class TaskStatusTest {
    private static final TransferInfo INFO = new TransferInfo("t1", TransferInfo.Direction.UPLOAD, "k", Path.of("k"),
            new ServerAddress("127.0.0.1", 1379));

    private static TransferEvent.Progress progress(long done) {
        return new TransferEvent.Progress(INFO, done, 100, 10, 5, 1, 2);
    }

    @Test
    void aLateProgressReportDoesNotReviveAnEndedRun() {
        Status running = new Status(State.QUEUED, 0, -1, 0, -1, "").next(new TransferEvent.Started(INFO, 100, 0))
                .next(progress(30));
        assertEquals(State.RUNNING, running.state());
        Status cancelled = running.next(new TransferEvent.Cancelled(INFO));
        assertEquals(State.CANCELLED, cancelled.state());
        assertEquals(State.CANCELLED, cancelled.next(progress(40)).state(), "a lane's last report came after the end");
        Status verified = running.next(new TransferEvent.Verified(INFO, "md5", 100, java.time.Duration.ZERO));
        assertEquals(verified, verified.next(progress(90)));
    }

    @Test
    void progressWhilePausedKeepsThePause() {
        Status paused = new Status(State.RUNNING, 10, 100, 5, 3, "").next(new TransferEvent.Paused(INFO));
        assertEquals(State.PAUSED, paused.next(progress(20)).state(), "blocks in flight still report");
        assertEquals(State.RUNNING, paused.next(new TransferEvent.Resumed(INFO)).state());
    }
}
