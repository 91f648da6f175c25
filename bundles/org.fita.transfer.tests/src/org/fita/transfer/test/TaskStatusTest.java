package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask.Status;
import org.junit.jupiter.api.Test;

/** How a task's status follows its events (late ones from worker threads, reconnecting), and the retry policy. */
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

    @Test
    void reconnectingShowsTheAttemptKeepsTheBytesAndStaysRunning() {
        Status running = new Status(State.RUNNING, 40, 100, 5, 3, "");
        Status reconnecting = running.next(new TransferEvent.Reconnecting(INFO, 2, 10, java.time.Duration.ofSeconds(2),
                new StepException.ConnectionException("The server closed the connection.", null)));
        assertEquals(State.RUNNING, reconnecting.state());
        assertEquals(40, reconnecting.bytesDone(), "the row keeps what was moved");
        assertTrue(reconnecting.message().startsWith("Reconnecting (attempt 2 of 10) in 2 s"), reconnecting.message());
    }

    @Test
    void retriesWaitOneTwoFourSecondsUpToTheCap() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L), java.util.stream.IntStream.rangeClosed(1, 7)
                .mapToObj(i -> p.delay(i).toSeconds()).toList());
        assertEquals(10, p.attempts());
        assertEquals(java.time.Duration.ofMinutes(5), p.within());
        assertTrue(new StepException.ConnectionException("reset", null).isRetryable());
        assertFalse(new StepException.UnknownHostException("nosuchhost.invalid: unknown host", null).isRetryable());
        assertFalse(new StepException.VerificationException("md5").isRetryable());
        assertFalse(new StepException.ProtocolViolationException("bad plan").isRetryable());
        assertFalse(new StepException.CancelledException("cancelled").isRetryable());
    }
}
