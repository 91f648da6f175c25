package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fita.transfer.FitaHome;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.WhenExists;
import org.fita.transfer.tasks.DefaultTransferService;
import org.fita.transfer.tasks.TransferHistory;
import org.fita.transfer.tasks.TransferTask;
import org.junit.jupiter.api.Test;

/**
 * A session outlives its connections: the real server's idle timeout, a restart on the same port
 * and root, and an expired token are healed by reconnecting and logging in again; a transfer cut by
 * a restart finishes by itself; closing a session frees what it opened.
 */
class SessionLifecycleTest {
    static final Duration LIMIT = Duration.ofSeconds(60);
    /** Retries quickly, so that a restart of a second or two is bridged within the test. */
    static final RetryPolicy QUICK_RETRY = new RetryPolicy(30, Duration.ofSeconds(60), Duration.ofMillis(200),
            Duration.ofSeconds(1));

    @Test
    void theSessionLogsInAgainAfterTheServersIdleTimeout() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.idleTimeout(Duration.ofSeconds(1)));
                StepSession s = f.session("u1")) {
            s.upload(f.file("a", 1000, 1), "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Thread.sleep(2500); // the server closes the idle control connection
            assertEquals(1000, s.stat("a").size());
            assertEquals(1, s.list(null).size());
            assertTrue(s.logins() >= 2, "logged in again: " + s.logins());
        }
    }

    @Test
    void theSessionSurvivesAServerRestartOnTheSamePortAndRoot() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            s.upload(f.file("a", 1000, 1), "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            f.stopServer();
            f.startAgain();
            assertEquals(1000, s.stat("a").size());
            s.delete("a");
            assertThrows(StepException.NotFoundException.class, () -> s.stat("a"));
        }
    }

    @Test
    void anExpiredTokenIsRenewedByLoggingInAgain() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.tokenTtl(Duration.ofSeconds(1)));
                StepSession s = f.session("u1")) {
            String first = s.token();
            s.upload(f.file("a", 1000, 1), "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Thread.sleep(2500);
            assertEquals(1000, s.stat("a").size());
            assertFalse(first.equals(s.token()), "a new token");
            // Transfer connections take the new token too.
            s.upload(f.file("b", 300_000, 2), "b", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Thread.sleep(2500);
            s.download("b", f.local.resolve("b.copy"), TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(f.local.resolve("b")), EngineFixture.md5(f.local.resolve("b.copy")));
        }
    }

    @Test
    void aTokenThatExpiresDuringATransferIsRenewedAndTheTransferGoesOn() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.tokenTtl(Duration.ofSeconds(1)));
                StepSession s = f.session("u1")) {
            Path file = f.file("big", 8 << 20, 11);
            List<TransferEvent> events = new CopyOnWriteArrayList<>();
            // 4 MiB/s: about two seconds, so the one-second token expires on the way.
            Transfer t = s.upload(file, "big", EngineFixture.SLOW.withRetry(QUICK_RETRY), events::add);
            assertEquals(EngineFixture.md5(file), assertTimeoutPreemptively(LIMIT, () -> t.await().md5()));
            assertTrue(s.logins() >= 2, "logged in again: " + s.logins());
            assertTrue(events.stream().anyMatch(e -> e instanceof TransferEvent.Reconnecting r
                    && r.cause() instanceof StepException.TokenRejectedException), "the refused token was the cause");
        }
    }

    @Test
    void anUploadCutByARestartFinishesByItselfWhenTheServerIsBack() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("big", 8 << 20, 7);
            List<TransferEvent> events = new CopyOnWriteArrayList<>();
            MovedBeyond halfway = new MovedBeyond(2 << 20);
            Transfer t = s.upload(file, "big", EngineFixture.SLOW.withRetry(QUICK_RETRY), e -> {
                events.add(e);
                halfway.onEvent(e);
            });
            halfway.await();
            f.stopServer();
            Thread.sleep(1500);
            f.startAgain();
            String md5 = assertTimeoutPreemptively(LIMIT, () -> t.await().md5());
            assertEquals(EngineFixture.md5(file), md5);
            assertTrue(events.stream().anyMatch(e -> e instanceof TransferEvent.Reconnecting), "reported reconnecting");
            long resumedFrom = events.stream().filter(e -> e instanceof TransferEvent.Started)
                    .mapToLong(e -> ((TransferEvent.Started) e).alreadyDone()).max().orElse(0);
            assertTrue(resumedFrom >= (1 << 20), "continued from the server's blocks: " + resumedFrom);
        }
    }

    @Test
    void aDownloadCutByARestartFinishesByItself() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("big", 8 << 20, 8);
            s.upload(file, "big", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            MovedBeyond halfway = new MovedBeyond(2 << 20);
            Path target = f.local.resolve("big.copy");
            Transfer t = s.download("big", target, EngineFixture.SLOW.withRetry(QUICK_RETRY), halfway);
            halfway.await();
            f.stopServer();
            Thread.sleep(1500);
            f.startAgain();
            assertTimeoutPreemptively(LIMIT, () -> t.await());
            assertEquals(EngineFixture.md5(file), EngineFixture.md5(target));
        }
    }

    @Test
    void retryAfterAFailureResumesOnTheSameSession() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession s = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            Path file = f.file("big", 8 << 20, 9);
            TransferTask task = service.upload(s, file, "big", EngineFixture.SLOW.withRetry(RetryPolicy.NONE),
                    WhenExists.FAIL);
            MovedBeyond halfway = new MovedBeyond(2 << 20);
            var end = task.start(halfway);
            halfway.await();
            f.stopServer();
            assertTimeoutPreemptively(LIMIT, () -> assertThrows(Exception.class, end::get));
            assertEquals(TransferTask.State.FAILED, task.status().state());
            f.startAgain();
            EngineFixture.assertContinuesToTheEnd(task, file);
            service.stop();
            assertTrue(s.isClosed(), "stopping the service closes its sessions");
        }
    }

    @Test
    void closingASessionClosesEveryConnectionItOpened() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            StepSession s = f.session("u1");
            Path file = f.file("big", 8 << 20, 10);
            MovedBeyond started = new MovedBeyond(1 << 20);
            Transfer t = s.upload(file, "big", new TransferOptions(3, 2, 64 * 1024, false, 4L << 20), started);
            started.await();
            assertTrue(f.server.connections().size() >= 2, "control and transfer connections are open");
            s.close();
            assertTrue(s.isClosed());
            assertThrows(StepException.class, () -> assertTimeoutPreemptively(LIMIT, t::await));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!f.server.connections().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, f.server.connections().size(), "the server sees every connection closed");
            assertThrows(StepException.class, () -> s.stat("big"), "a closed session does nothing more");
        }
    }

    @Test
    void aNewLoginOfTheSameUserFreesTheOldSessionsConnection() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            DefaultTransferService service = new DefaultTransferService(f.journal);
            StepSession first = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            StepSession second = service.connect(f.address(), "u1", StepSession.classicPassword("u1"));
            assertFalse(first.isConnected(), "the earlier session's connection does not linger");
            assertTrue(second.isConnected());
            assertEquals(0, first.list(null).size(), "whoever still holds the earlier session can use it");
            service.stop();
            assertTrue(first.isClosed() && second.isClosed(), "stopping the service closes every session");
        }
    }

    @Test
    void theTestsRunWithTheirOwnFitaHome() {
        Path home = FitaHome.dir();
        assertEquals(Path.of(System.getProperty(FitaHome.PROPERTY)), home);
        assertFalse(home.startsWith(Path.of(System.getProperty("user.home"), ".fita")), home.toString());
        assertTrue(TransferHistory.defaultFile().startsWith(home));
        assertTrue(TransferJournal.defaultDirectory().startsWith(home));
    }
}
