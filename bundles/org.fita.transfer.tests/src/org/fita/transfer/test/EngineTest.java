package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.PasswordHasher;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.StorageUsage;
import org.fita.transfer.Transfer;
import org.fita.transfer.TransferEvent;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.tasks.LocalTree;
import org.junit.jupiter.api.Test;

/** The engine against a real server: every operation, control of running transfers, resume, typed errors. */
class EngineTest {
    @Test
    void everyOperationWorks() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path a = f.file("a.bin", 100_000, 1);
            s.upload(a, "dir/a.bin", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            s.upload(f.file("b.bin", 10, 2), "dir/b.bin", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            s.upload(f.file("c.bin", 10, 3), "other", TransferOptions.DEFAULTS, TransferListener.NONE).await();

            List<RemoteFile> files = s.list("dir/");
            assertEquals(List.of("dir/a.bin", "dir/b.bin"), files.stream().map(RemoteFile::key).toList());
            assertEquals(100_000, files.get(0).size());
            assertEquals(EngineFixture.md5(a), files.get(0).md5());
            assertEquals(3, s.list(null).size());
            assertEquals(EngineFixture.md5(a), s.stat("dir/a.bin").md5());

            s.delete("dir/a.bin");
            assertThrows(StepException.NotFoundException.class, () -> s.stat("dir/a.bin"));
            assertThrows(StepException.NotFoundException.class, () -> s.delete("dir/a.bin"));

            String key = s.saveData(null, Map.of("note", "hi"));
            assertEquals("hi", s.getData(key).get("note").getAsString());
            s.deleteData(key);
            assertThrows(StepException.NotFoundException.class, () -> s.getData(key));
            assertThrows(StepException.class, () -> s.stat("../escape"), "bad keys are refused before sending");
        }
    }

    @Test
    void aClassicServerFallsBackAndSaysWhyThereIsNoListing() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(true)); StepSession s = f.session("u1")) {
            assertFalse(s.capabilities().isFita());
            List<TransferEvent.Progress> progress = new CopyOnWriteArrayList<>();
            Path file = f.file("x", 300_000, 5);
            s.upload(file, "x", TransferOptions.DEFAULTS, e -> {
                if (e instanceof TransferEvent.Progress p) {
                    progress.add(p);
                }
            }).await();
            assertTrue(progress.stream().allMatch(p -> p.window() == 1), "stop-and-wait on a classic server");
            StepException e = assertThrows(StepException.UnsupportedException.class, () -> s.list(null));
            assertTrue(e.getMessage().contains("classic"), e.getMessage());
            assertEquals(EngineFixture.md5(file), s.stat("x").md5());
        }
    }

    @Test
    void transfersReportStartProgressAndVerification() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            List<TransferEvent> events = new CopyOnWriteArrayList<>();
            Path file = f.file("p", 5 << 20, 6);
            s.upload(file, "p", TransferOptions.DEFAULTS, events::add).await();
            assertTrue(events.get(0) instanceof TransferEvent.Started);
            TransferEvent last = events.get(events.size() - 1);
            assertTrue(last instanceof TransferEvent.Verified, last.toString());
            TransferEvent.Progress done = (TransferEvent.Progress) events.get(events.size() - 2);
            assertEquals(5 << 20, done.bytesDone());
            assertEquals(5 << 20, done.size());
        }
    }

    @Test
    void cancelStopsAnUploadAndRunningItAgainResumes() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("big", 16 << 20, 7);
            MovedBeyond twoMiB = new MovedBeyond(2 << 20);
            Transfer first = s.upload(file, "big", EngineFixture.SLOW, twoMiB);
            twoMiB.await();
            first.cancel();
            assertThrows(StepException.CancelledException.class, first::await);
            assertEquals(Transfer.State.CANCELLED, first.state());
            assertEquals(1, f.journal.entries().size(), "the journal keeps the unfinished upload");

            long[] already = new long[1];
            TransferResult second = s.upload(file, "big", TransferOptions.DEFAULTS, e -> {
                if (e instanceof TransferEvent.Started st) {
                    already[0] = st.alreadyDone();
                }
            }).await();
            assertTrue(already[0] >= (2 << 20), "resumed from the blocks the server holds: " + already[0]);
            assertEquals((16 << 20) - already[0], second.moved());
            assertEquals(EngineFixture.md5(file), second.md5());
            assertTrue(f.journal.entries().isEmpty(), "a verified transfer leaves the journal");
        }
    }

    @Test
    void aChangedFileIsNotResumedFromStaleBlocks() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("changing", 8 << 20, 8);
            MovedBeyond oneMiB = new MovedBeyond(1 << 20);
            Transfer first = s.upload(file, "changing", EngineFixture.SLOW, oneMiB);
            oneMiB.await();
            first.cancel();
            assertThrows(StepException.CancelledException.class, first::await);
            f.file("changing", 8 << 20, 9);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            TransferResult second = s.upload(file, "changing", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertEquals(8 << 20, second.moved(), "everything sent again");
            assertEquals(EngineFixture.md5(file), second.md5());
        }
    }

    @Test
    void aFileWrittenToDuringItsUploadFailsVerificationAndSaysSo() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b)) {
            StepSession s = f.session("u1");
            Path file = f.file("growing.log", 8 << 20, 11);
            MovedBeyond oneMiB = new MovedBeyond((1 << 20) - 1);
            Transfer t = s.upload(file, "growing.log", EngineFixture.SLOW, oneMiB);
            oneMiB.await();
            // Bytes the reader has hashed already and the connections have not sent yet.
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[256 * 1024]), (1 << 20) + (512 << 10));
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            StepException e = assertThrows(StepException.VerificationException.class, t::await);
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("changed while it was being"
                    + " uploaded"), e.getMessage());
        }
    }

    @Test
    void pauseHoldsATransferAndResumeFinishesIt() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("pausable", 8 << 20, 10);
            List<TransferEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch started = new CountDownLatch(1);
            Transfer t = s.upload(file, "pausable", EngineFixture.SLOW, e -> {
                events.add(e);
                if (e instanceof TransferEvent.Progress) {
                    started.countDown();
                }
            });
            assertTrue(started.await(20, TimeUnit.SECONDS));
            t.pause();
            assertEquals(Transfer.State.PAUSED, t.state());
            Thread.sleep(300);
            long before = lastDone(events);
            Thread.sleep(500);
            assertEquals(before, lastDone(events), "no bytes move while paused");
            t.resume();
            assertEquals(EngineFixture.md5(file), t.await().md5());
            assertTrue(events.stream().anyMatch(e -> e instanceof TransferEvent.Paused));
            assertTrue(events.stream().anyMatch(e -> e instanceof TransferEvent.Resumed));
        }
    }

    private static long lastDone(List<TransferEvent> events) {
        long done = 0;
        for (TransferEvent e : events) {
            if (e instanceof TransferEvent.Progress p) {
                done = p.bytesDone();
            }
        }
        return done;
    }

    @Test
    void anInterruptedDownloadContinuesFromItsPartFile() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("src", 16 << 20, 11);
            s.upload(file, "dl", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Path target = f.local.resolve("copy/dl.bin");
            MovedBeyond twoMiB = new MovedBeyond(2 << 20);
            Transfer first = s.download("dl", target, EngineFixture.SLOW, twoMiB);
            twoMiB.await();
            first.cancel();
            assertThrows(StepException.CancelledException.class, first::await);
            assertTrue(Files.exists(target.resolveSibling("dl.bin.part")));
            assertFalse(Files.exists(target));

            TransferResult second = s.download("dl", target, TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertTrue(second.moved() < (14 << 20), "continued: moved " + second.moved());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
            assertFalse(Files.exists(target.resolveSibling("dl.bin.part")));
            assertFalse(Files.exists(target.resolveSibling("dl.bin.part.fita")));
        }
    }

    @Test
    void aFolderUploadsRecursivelyWithSlashKeys() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            f.file("tree/a.txt", 10, 1);
            f.file("tree/sub/b.txt", 20, 2);
            f.file("tree/sub/deeper/c.txt", 30, 3);
            List<LocalTree.Entry> plan = LocalTree.plan(f.local.resolve("tree"), "backup/");
            assertEquals(List.of("backup/a.txt", "backup/sub/b.txt", "backup/sub/deeper/c.txt"),
                    plan.stream().map(LocalTree.Entry::key).toList());
            for (LocalTree.Entry e : plan) {
                s.upload(e.file(), e.key(), TransferOptions.DEFAULTS, TransferListener.NONE).await();
            }
            assertEquals(3, s.list("backup/sub/").size() + 1);
            assertEquals(EngineFixture.md5(f.local.resolve("tree/sub/deeper/c.txt")), s.stat("backup/sub/deeper/c.txt").md5());
        }
    }

    @Test
    void existingKeysAndFilesAreKeptUnlessOverwriteIsAsked() throws Exception {
        // A server without the replace extension: overwriting there means deleting first.
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(true)); StepSession s = f.session("u1")) {
            s.upload(f.file("v1", 1000, 1), "k", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Path v2 = f.file("v2", 2000, 2);
            StepException exists = assertThrows(StepException.KeyExistsException.class,
                    () -> s.upload(v2, "k", TransferOptions.DEFAULTS, TransferListener.NONE).await());
            assertEquals("\"k\" already exists on the server.", exists.getMessage());
            // This server cannot replace in one step: overwriting needs an explicit leave to delete first.
            assertThrows(StepException.DeleteFirstRequiredException.class,
                    () -> s.upload(v2, "k", TransferOptions.DEFAULTS.withOverwrite(true), TransferListener.NONE).await());
            assertEquals(EngineFixture.md5(f.local.resolve("v1")), s.stat("k").md5(), "the old file is still there");
            s.upload(v2, "k", TransferOptions.DEFAULTS.withOverwrite(true).withDeleteFirstAllowed(true),
                    TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(v2), s.stat("k").md5());

            Path target = f.file("here", 5, 3);
            assertThrows(StepException.LocalFileException.class,
                    () -> s.download("k", target, TransferOptions.DEFAULTS, TransferListener.NONE).await());
            s.download("k", target, TransferOptions.DEFAULTS.withOverwrite(true), TransferListener.NONE).await();
            assertEquals(EngineFixture.md5(v2), EngineFixture.md5(target));
        }
    }

    @Test
    void theLoginTellsTheUsersStorageAndQuota() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.defaultQuota(1 << 20))) {
            try (StepSession s = f.session("u1")) {
                assertEquals(new StorageUsage(0, 0, 1 << 20), s.usage().orElseThrow());
                s.upload(f.file("a", 1000, 1), "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            }
            try (StepSession again = f.session("u1")) {
                assertEquals(new StorageUsage(1000, 0, 1 << 20), again.usage().orElseThrow());
            }
        }
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(true)); StepSession s = f.session("u1")) {
            assertTrue(s.usage().isEmpty(), "a server without the quota extension tells nothing");
        }
    }

    @Test
    void failuresAreTyped() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b.authMode(AuthMode.ACCOUNTS))) {
            new AccountStore(f.root, new PasswordHasher(10_000)).add("alice", "right", false);
            StepException wrong = assertThrows(StepException.AuthenticationException.class,
                    () -> StepSession.connect(f.address(), "alice", "wrong"));
            assertTrue(wrong.getMessage().contains("wrong username or password"), wrong.getMessage());
            try (StepSession s = StepSession.connect(f.address(), "alice", "right")) {
                assertThrows(StepException.NotFoundException.class,
                        () -> s.download("missing", f.local.resolve("m"), TransferOptions.DEFAULTS, TransferListener.NONE)
                                .await());
                assertThrows(StepException.LocalFileException.class,
                        () -> s.upload(f.local.resolve("nope"), "k", TransferOptions.DEFAULTS, TransferListener.NONE)
                                .await());
            }
            int closedPort = f.server.port();
            f.server.close();
            StepException refused = assertThrows(StepException.ConnectionException.class,
                    () -> StepSession.connect(new ServerAddress("127.0.0.1", closedPort), "alice", "right"));
            assertTrue(refused.getMessage().contains("Is the server running"), refused.getMessage());
        }
    }

    @Test
    void aDownloadThatDoesNotMatchItsMd5FailsAndLeavesNothing() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            s.upload(f.file("good", 300_000, 4), "k", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            Path blob;
            try (Stream<Path> all = Files.walk(f.root)) {
                blob = all.filter(p -> p.toString().endsWith(".blob")).findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(blob);
            bytes[12345] ^= 1;
            Files.write(blob, bytes);
            Path target = f.local.resolve("bad");
            StepException e = assertThrows(StepException.VerificationException.class,
                    () -> s.download("k", target, TransferOptions.DEFAULTS, TransferListener.NONE).await());
            assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
            assertFalse(Files.exists(target));
            assertFalse(Files.exists(f.local.resolve("bad.part")));
        }
    }

    @Test
    void anUploadThatCompletedJustBeforeACrashIsRecognisedWhenRunAgain() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path file = f.file("done", 3 << 20, 12);
            TransferResult first = s.upload(file, "done", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            // As if the client died after the last block but before it heard the MD5: the journal still has it.
            f.journal.record(new org.fita.transfer.TransferJournal.Entry(
                    org.fita.transfer.TransferJournal.idOf(org.fita.transfer.TransferInfo.Direction.UPLOAD, f.address(),
                            "u1", "done", file),
                    org.fita.transfer.TransferInfo.Direction.UPLOAD, f.address().toString(), "u1", "done",
                    file.toAbsolutePath().toString(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                    1 << 20, System.currentTimeMillis()));
            TransferResult again = s.upload(file, "done", TransferOptions.DEFAULTS, TransferListener.NONE).await();
            assertEquals(0, again.moved());
            assertEquals(first.md5(), again.md5());
            assertTrue(f.journal.entries().isEmpty());
            assertThrows(StepException.KeyExistsException.class,
                    () -> s.upload(file, "done", TransferOptions.DEFAULTS, TransferListener.NONE).await(),
                    "without a journal entry, an existing key is still refused");
        }
    }
}
