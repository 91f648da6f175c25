package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.fita.server.auth.AuthMode;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.WhenExists;
import org.fita.transfer.tasks.DefaultTransferService;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;
import org.fita.transfer.view.RemoteFiles;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/** The service the workbench uses: tasks, their status, retry, the existing-destination policies. */
class TransferServiceTest {
    @Test
    void theServiceIsADeclarativeServicesComponent() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(TransferService.class).getBundleContext();
        ServiceTracker<TransferService, TransferService> tracker = new ServiceTracker<>(context, TransferService.class, null);
        tracker.open();
        try {
            assertNotNull(tracker.waitForService(10_000), "the DS runtime registers the transfer service");
        } finally {
            tracker.close();
        }
    }

    @Test
    void tasksReportTheirStatusAndUploadsAreRemembered() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            List<String> heard = new CopyOnWriteArrayList<>();
            service.addListener(new TransferService.Listener() {
                @Override
                public void taskAdded(TransferTask task) {
                    heard.add("added " + task.key());
                }

                @Override
                public void taskChanged(TransferTask task) {
                    heard.add(task.status().state().name());
                }

                @Override
                public void taskRemoved(TransferTask task) {
                    heard.add("removed " + task.key());
                }
            });
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path file = f.file("up.bin", 3 << 20, 1);
            TransferTask up = service.upload(s, file, "k/up.bin", TransferOptions.DEFAULTS, WhenExists.FAIL);
            assertEquals(State.QUEUED, up.status().state());
            assertNull(up.result());
            up.run(TransferListener.NONE);
            assertEquals(State.VERIFIED, up.status().state());
            assertEquals(3 << 20, up.status().bytesDone());
            assertTrue(up.status().message().contains(EngineFixture.md5(file)), up.status().message());
            assertEquals(List.of("added k/up.bin", "RUNNING"), heard.subList(0, 2));
            assertEquals("VERIFIED", heard.get(heard.size() - 1));
            assertThrows(IllegalStateException.class, () -> up.run(TransferListener.NONE), "verified runs once");

            List<RemoteFile> uploaded = service.uploadedFiles(f.address(), "u1");
            assertEquals(1, uploaded.size());
            assertEquals(EngineFixture.md5(file), uploaded.get(0).md5());
            assertEquals(List.of(), service.uploadedFiles(f.address(), "u2"));

            Path target = f.local.resolve("down/up.bin");
            TransferTask down = service.download(s, "k/up.bin", target, TransferOptions.DEFAULTS, WhenExists.FAIL);
            down.run(TransferListener.NONE);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
            assertEquals(List.of(up, down), service.tasks());

            service.remove(up);
            assertEquals(List.of(down), service.tasks());
            assertEquals("removed k/up.bin", heard.get(heard.size() - 1));
            service.stop();
        }
    }

    @Test
    void aRefusedTaskFailsWithAMessageAndCanBeRetried() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path file = f.file("a", 1000, 1);
            service.upload(s, file, "a", TransferOptions.DEFAULTS, WhenExists.FAIL).run(TransferListener.NONE);

            TransferTask again = service.upload(s, file, "a", TransferOptions.DEFAULTS, WhenExists.FAIL);
            assertThrows(StepException.KeyExistsException.class, () -> again.run(TransferListener.NONE));
            assertEquals(State.FAILED, again.status().state());
            assertTrue(again.status().message().contains("already exists"), again.status().message());
            assertTrue(again.canRetry());
            again.requeue();
            assertEquals(State.QUEUED, again.status().state());

            Path missing = f.local.resolve("missing");
            TransferTask gone = service.upload(s, missing, "m", TransferOptions.DEFAULTS, WhenExists.FAIL);
            assertThrows(StepException.LocalFileException.class, () -> gone.run(TransferListener.NONE));
            assertTrue(gone.status().message().contains("does not exist"), gone.status().message());
            service.stop();
        }
    }

    @Test
    void overwriteReplacesAndKeepIdenticalMovesNothingOrRefusesADifferentCopy() throws Exception {
        // A server without the replace extension: overwriting there means deleting first.
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(true))) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path first = f.file("one", 5000, 1);
            Path second = f.file("two", 7000, 2);
            service.upload(s, first, "x", TransferOptions.DEFAULTS, WhenExists.FAIL).run(TransferListener.NONE);

            TransferTask same = service.upload(s, first, "x", TransferOptions.DEFAULTS, WhenExists.KEEP_IDENTICAL);
            assertEquals(0, same.run(TransferListener.NONE).moved());
            assertEquals(State.VERIFIED, same.status().state());

            TransferTask differs = service.upload(s, second, "x", TransferOptions.DEFAULTS, WhenExists.KEEP_IDENTICAL);
            StepException e = assertThrows(StepException.KeyExistsException.class, () -> differs.run(TransferListener.NONE));
            assertTrue(e.getMessage().contains("different content"), e.getMessage());

            TransferTask refused = service.upload(s, second, "x", TransferOptions.DEFAULTS, WhenExists.OVERWRITE);
            assertThrows(StepException.DeleteFirstRequiredException.class, () -> refused.run(TransferListener.NONE));
            assertEquals(EngineFixture.md5(first), s.stat("x").md5(), "without leave to delete first, nothing is lost");
            service.upload(s, second, "x", TransferOptions.DEFAULTS, WhenExists.OVERWRITE_DELETE_FIRST)
                    .run(TransferListener.NONE);
            assertEquals(EngineFixture.md5(second), s.stat("x").md5());

            Path target = f.local.resolve("got");
            Files.write(target, Files.readAllBytes(second));
            TransferTask keep = service.download(s, "x", target, TransferOptions.DEFAULTS, WhenExists.KEEP_IDENTICAL);
            assertEquals(0, keep.run(TransferListener.NONE).moved());
            Files.write(target, Files.readAllBytes(first));
            TransferTask clash = service.download(s, "x", target, TransferOptions.DEFAULTS, WhenExists.KEEP_IDENTICAL);
            assertThrows(StepException.LocalFileException.class, () -> clash.run(TransferListener.NONE));
            TransferTask fresh = service.download(s, "x", f.local.resolve("fresh"), TransferOptions.DEFAULTS,
                    WhenExists.KEEP_IDENTICAL);
            assertEquals(7000, fresh.run(TransferListener.NONE).moved(), "nothing here yet: a plain download");
            service.download(s, "x", target, TransferOptions.DEFAULTS, WhenExists.OVERWRITE).run(TransferListener.NONE);
            assertArrayEquals(Files.readAllBytes(second), Files.readAllBytes(target));
            service.stop();
        }
    }

    @Test
    void aCancelledTaskRetriesFromWhatTheServerHolds() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path file = f.file("big", 12 << 20, 3);
            TransferTask task = service.upload(s, file, "big", EngineFixture.SLOW, WhenExists.FAIL);
            MovedBeyond twoMiB = new MovedBeyond(2 << 20);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    task.run(twoMiB);
                } catch (StepException e) {
                    // expected: cancelled
                }
            });
            twoMiB.await();
            task.pause();
            assertEquals(State.PAUSED, task.status().state());
            task.resume();
            task.cancel();
            running.get(20, TimeUnit.SECONDS);
            assertEquals(State.CANCELLED, task.status().state());
            assertTrue(task.canRetry());

            EngineFixture.assertContinuesToTheEnd(task, file);
            service.stop();
        }
    }

    @Test
    void cancelEndsATransferAtOnceEvenWhenTheNetworkWentSilent() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StallingProxy proxy = new StallingProxy(f.address())) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession s = service.connect(proxy.address(), "u1", StepSession.classicPassword("u1"));
            TransferTask task = service.upload(s, f.file("up", 12 << 20, 7), "up", EngineFixture.SLOW, WhenExists.FAIL);
            MovedBeyond oneMiB = new MovedBeyond(1 << 20);
            CompletableFuture<?> running = task.start(oneMiB);
            oneMiB.await();
            proxy.stall();
            long cancelled = System.nanoTime();
            task.cancel();
            assertThrows(java.util.concurrent.ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS),
                    "the run ends although no reply can come");
            long millis = (System.nanoTime() - cancelled) / 1_000_000;
            assertTrue(millis < 5_000, "cancelled after " + millis + " ms");
            assertEquals(State.CANCELLED, task.status().state(), task.status().message());
            service.stop();
        }
    }

    @Test
    void cancellingAQueuedTaskStopsItsRunBeforeItStarts() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(new TransferJournal(f.local.resolve("j")));
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            TransferTask task = service.upload(s, f.file("q", 100, 1), "q", TransferOptions.DEFAULTS, WhenExists.FAIL);
            task.cancel();
            assertThrows(StepException.CancelledException.class, () -> task.run(TransferListener.NONE));
            assertEquals(State.CANCELLED, task.status().state());
            assertFalse(RemoteFiles.existing(s, List.of("q")).contains("q"), "nothing was sent");
            service.stop();
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureWithAClearMessage() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.authMode(AuthMode.ACCOUNTS))) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepException e = assertThrows(StepException.AuthenticationException.class,
                    () -> service.connect(f.address(), "alice", "wrong"));
            assertTrue(e.getMessage().contains("wrong username or password"), e.getMessage());
        }
    }
}
