package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.WhenExists;
import org.fita.transfer.tasks.DefaultTransferService;
import org.fita.transfer.tasks.TransferHistory;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;
import org.junit.jupiter.api.Test;

/** The task list across restarts: what was finished comes back as it was, what was not continues. */
class TransferHistoryTest {
    @Test
    void afterAStopTheListComesBackAndTheInterruptedUploadContinuesWhereItStopped() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            TransferHistory history = new TransferHistory(f.local.resolve("transfers.json"));
            DefaultTransferService first = new DefaultTransferService(f.journal, history);
            StepSession s = first.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path small = f.file("small", 1000, 1);
            TransferTask smallTask = first.upload(s, small, "small", TransferOptions.DEFAULTS, WhenExists.FAIL);
            smallTask.run(TransferListener.NONE);
            long verifiedAt = smallTask.changedAt();
            Path big = f.file("big", 12 << 20, 3);
            CompletableFuture<TransferResult> running = startAndWaitForTwoMiB(
                    first.upload(s, big, "big", EngineFixture.SLOW, WhenExists.FAIL));
            first.stop(); // as the workbench does on exit, before its jobs are cancelled
            assertThrows(Exception.class, () -> running.get(20, TimeUnit.SECONDS), "the stop ends the upload");

            DefaultTransferService second = new DefaultTransferService(f.journal, history);
            List<TransferTask> restored = second.tasks();
            assertEquals(List.of("small", "big"), restored.stream().map(TransferTask::key).toList());
            TransferTask done = restored.get(0);
            assertEquals(State.VERIFIED, done.status().state());
            assertEquals(EngineFixture.md5(small), done.result().md5());
            assertEquals(verifiedAt, done.changedAt(), "dated when it was verified, not when the list was saved");
            assertEquals(verifiedAt, second.uploadedFiles(f.address(), "u1").get(0).modified());
            assertEquals(List.of("small"), second.uploadedFiles(f.address(), "u1").stream().map(RemoteFile::key).toList(),
                    "a classic server's listing still knows what was uploaded before the restart");

            TransferTask resumed = restored.get(1);
            assertTrue(resumed.wasInterrupted());
            assertFalse(resumed.hasSession());
            assertEquals(State.FAILED, resumed.status().state());
            assertTrue(resumed.status().message().contains("Interrupted when FiTA stopped"), resumed.status().message());
            assertTrue(resumed.status().bytesDone() >= (2 << 20), "the last progress is shown: " + resumed.status());

            resumed.requeue();
            StepException notConnected = assertThrows(StepException.ConnectionException.class,
                    () -> resumed.run(TransferListener.NONE));
            assertTrue(notConnected.getMessage().startsWith("Not connected to "), notConnected.getMessage());
            assertTrue(resumed.wasInterrupted(), "it still waits for a connection");

            second.setReconnector((server, user) -> second.connect(server, user, StepSession.classicPassword(user)));
            EngineFixture.assertContinuesToTheEnd(resumed, big);
            assertFalse(resumed.wasInterrupted());
            second.stop();

            DefaultTransferService third = new DefaultTransferService(f.journal, history);
            assertEquals(List.of(State.VERIFIED, State.VERIFIED),
                    third.tasks().stream().map(t -> t.status().state()).toList());
            third.stop();
        }
    }

    @Test
    void anUploadPausedWhenTheProgramStoppedStaysPausedUntilResumedOrCancelled() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            TransferHistory history = new TransferHistory(f.local.resolve("transfers.json"));
            DefaultTransferService first = new DefaultTransferService(f.journal, history);
            StepSession s = first.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path big = f.file("big", 12 << 20, 7);
            TransferTask kept = first.upload(s, big, "kept", EngineFixture.SLOW, WhenExists.FAIL);
            TransferTask dropped = first.upload(s, f.file("other", 12 << 20, 8), "dropped", EngineFixture.SLOW,
                    WhenExists.FAIL);
            CompletableFuture<TransferResult> keptRun = startAndWaitForTwoMiB(kept);
            CompletableFuture<TransferResult> droppedRun = startAndWaitForTwoMiB(dropped);
            kept.pause();
            dropped.pause();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kept.status().state() != State.PAUSED || dropped.status().state() != State.PAUSED) {
                assertTrue(System.nanoTime() < deadline, "both pause: " + kept.status() + ", " + dropped.status());
                Thread.sleep(20);
            }
            first.stop();
            assertThrows(Exception.class, () -> keptRun.get(20, TimeUnit.SECONDS));
            assertThrows(Exception.class, () -> droppedRun.get(20, TimeUnit.SECONDS));

            // Restarted without being touched, it is still paused the time after.
            new DefaultTransferService(f.journal, history).stop();
            DefaultTransferService second = new DefaultTransferService(f.journal, history);
            second.setReconnector((server, user) -> second.connect(server, user, StepSession.classicPassword(user)));
            TransferTask paused = second.tasks().get(0);
            assertEquals("kept", paused.key());
            assertEquals(State.PAUSED, paused.status().state());
            assertTrue(paused.wasPausedWhenStopped());
            assertFalse(paused.canRetry(), "it waits for Resume, not for Retry");
            assertTrue(paused.status().message().startsWith("Paused when FiTA stopped"), paused.status().message());

            EngineFixture.assertContinuesToTheEnd(paused, big);
            assertFalse(paused.wasPausedWhenStopped());

            TransferTask cancelled = second.tasks().get(1);
            assertEquals(State.PAUSED, cancelled.status().state());
            cancelled.cancel();
            assertEquals(State.CANCELLED, cancelled.status().state());
            assertFalse(cancelled.wasPausedWhenStopped());
            assertTrue(cancelled.canRetry());
            second.stop();
        }
    }

    @Test
    void aCrashLeavesTheRunningUploadRecordedAsUnfinished() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            TransferHistory history = new TransferHistory(f.local.resolve("transfers.json"));
            DefaultTransferService crashing = new DefaultTransferService(f.journal, history);
            StepSession s = crashing.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            startAndWaitForTwoMiB(crashing.upload(s, f.file("big", 12 << 20, 5), "big", EngineFixture.SLOW, WhenExists.FAIL));
            // No stop: the list on disk is the one saved shortly after the last change.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(history.file()) && Files.readString(history.file()).contains("\"running\""))) {
                assertTrue(System.nanoTime() < deadline, "the running upload is saved within seconds");
                Thread.sleep(50);
            }
            DefaultTransferService after = new DefaultTransferService(f.journal, history);
            assertTrue(after.tasks().get(0).wasInterrupted());
            crashing.stop();
            after.stop();
        }
    }

    @Test
    void anUnreadableListIsSetAsideAndTheServiceStartsEmpty() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            TransferHistory history = new TransferHistory(f.local.resolve("transfers.json"));
            Files.writeString(history.file(), "{\"transfers\": [{\"direction\": \"sideways\"}]}", StandardCharsets.UTF_8);
            DefaultTransferService service = new DefaultTransferService(f.journal, history);
            assertEquals(List.of(), service.tasks());
            assertTrue(Files.readString(f.local.resolve("transfers.json.bad")).contains("sideways"),
                    "the unreadable list is kept for a person to look at");
            service.stop();
            assertTrue(Files.readString(history.file()).contains("\"transfers\":[]"));
        }
    }

    private static CompletableFuture<TransferResult> startAndWaitForTwoMiB(TransferTask task) throws Exception {
        MovedBeyond twoMiB = new MovedBeyond(2 << 20);
        CompletableFuture<TransferResult> running = task.start(twoMiB);
        twoMiB.await();
        return running;
    }
}
