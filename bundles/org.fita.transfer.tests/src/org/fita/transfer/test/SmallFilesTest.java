package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fita.protocol.Extensions;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.SmallFiles;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many small files on few pipelined connections, both ways, with what the batch hands back to the normal path. */
class SmallFilesTest {

    /** Records what a batch reports. */
    static final class Heard implements SmallFiles.Listener {
        final Map<String, TransferResult> verified = new ConcurrentHashMap<>();
        final Map<String, StepException> failed = new ConcurrentHashMap<>();

        @Override
        public void verified(TransferResult result) {
            assertEquals(null, verified.put(result.key(), result), "reported twice: " + result.key());
        }

        @Override
        public void failed(String key, Path path, StepException e) {
            failed.put(key, e);
        }
    }

    /** Sizes of a mixed folder: tiny, around block sizes, the inline limit and past it. */
    private static final int[] SIZES = {1, 100, 4096, 10240, 20480, 20481, 65536, Extensions.MAX_INLINE_BYTES,
        Extensions.MAX_INLINE_BYTES + 1, 3 << 20, 0};

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMixedFolderGoesUpAndComesBackEqual(boolean classicOnly) throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b.classicOnly(classicOnly)); StepSession s = f.session("u1")) {
            List<SmallFiles.Upload> files = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                int size = i < SIZES.length ? SIZES[i] : 1 + (i * 7919) % 30_000;
                files.add(new SmallFiles.Upload("mixed/f" + i, f.file("in/f" + i, size, i)));
            }
            Heard up = new Heard();
            List<SmallFiles.Upload> rest = SmallFiles.upload(s, files, TransferOptions.DEFAULTS, () -> false, up);

            assertTrue(up.failed.isEmpty(), up.failed::toString);
            for (SmallFiles.Upload r : rest) {
                // What the batch does not take, the normal path does: together they cover every file once.
                assertTrue(!up.verified.containsKey(r.key()), "both settled and handed back: " + r.key());
                TransferResult done = s.upload(r.path(), r.key(), TransferOptions.DEFAULTS, TransferListener.NONE).await();
                up.verified.put(r.key(), done);
            }
            assertEquals(files.size(), up.verified.size());
            if (classicOnly) {
                assertEquals(files.size(), rest.size(), "a classic server gets every file the normal way");
            } else {
                assertEquals(3, rest.size(), "only the files over the inline limit and the empty one: " + rest);
            }
            for (SmallFiles.Upload u : files) {
                assertEquals(EngineFixture.md5(u.path()), up.verified.get(u.key()).md5(), u.key());
            }

            List<SmallFiles.Download> wanted = new ArrayList<>();
            if (!classicOnly) {
                for (RemoteFile r : s.list("mixed/")) {
                    wanted.add(new SmallFiles.Download(r.key(), f.local.resolve("out/" + r.key()), r.size(), r.md5()));
                }
            } else {
                for (SmallFiles.Upload u : files) {
                    RemoteFile r = s.stat(u.key());
                    wanted.add(new SmallFiles.Download(r.key(), f.local.resolve("out/" + r.key()), r.size(), r.md5()));
                }
            }
            assertEquals(files.size(), wanted.size());
            Heard down = new Heard();
            List<SmallFiles.Download> left = SmallFiles.download(s, wanted, TransferOptions.DEFAULTS, () -> false, down);
            assertTrue(down.failed.isEmpty(), down.failed::toString);
            for (SmallFiles.Download d : left) {
                s.download(d.key(), d.path(), TransferOptions.DEFAULTS, TransferListener.NONE).await();
            }
            assertEquals(classicOnly ? files.size() : 3, left.size(), left::toString);
            for (int i = 0; i < files.size(); i++) {
                Path back = f.local.resolve("out/mixed/f" + i);
                assertArrayEquals(Files.readAllBytes(files.get(i).path()), Files.readAllBytes(back), back.toString());
                assertTrue(Files.notExists(back.resolveSibling(back.getFileName() + ".part")));
            }
            for (TransferResult r : down.verified.values()) {
                assertEquals(EngineFixture.md5(r.localPath()), r.md5());
            }
        }
    }

    @Test
    void existingKeysAndChangedFilesGoBackToTheNormalPath() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            Path a = f.file("in/a", 1000, 1);
            Path b = f.file("in/b", 2000, 2);
            s.upload(a, "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();

            Heard up = new Heard();
            List<SmallFiles.Upload> rest = SmallFiles.upload(s,
                    List.of(new SmallFiles.Upload("a", a), new SmallFiles.Upload("b", b)), TransferOptions.DEFAULTS,
                    () -> false, up);

            assertEquals(List.of(new SmallFiles.Upload("a", a)), rest, "the existing key is the caller's to judge");
            assertEquals(List.of("b"), List.copyOf(up.verified.keySet()));

            // Replacing: with --overwrite the batch replaces in the same single request.
            Path a2 = f.file("in/a2", 1500, 3);
            Heard again = new Heard();
            TransferOptions overwrite = new TransferOptions(0, 0, 0, true, 0);
            assertEquals(List.of(), SmallFiles.upload(s, List.of(new SmallFiles.Upload("a", a2), new SmallFiles.Upload("c", a)),
                    overwrite, () -> false, again));
            assertEquals(EngineFixture.md5(a2), s.stat("a").md5());

            // A listing older than the file: its MD5 does not match what comes, so the normal path fetches it.
            RemoteFile stale = new RemoteFile("a", 1000, EngineFixture.md5(a), -1);
            Path target = f.local.resolve("out/a");
            Heard down = new Heard();
            List<SmallFiles.Download> left = SmallFiles.download(s, List.of(
                    new SmallFiles.Download(stale.key(), target, stale.size(), stale.md5()),
                    new SmallFiles.Download("b", f.local.resolve("out/b"), 2000, EngineFixture.md5(b))),
                    TransferOptions.DEFAULTS, () -> false, down);
            assertEquals(1, left.size(), left::toString);
            assertEquals("a", left.get(0).key());
            assertTrue(Files.notExists(target), "nothing written for a file that did not verify");
            assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(f.local.resolve("out/b")));
        }
    }

    @Test
    void aQuotaRefusalIsReportedForThatFileAlone() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b.defaultQuota(50_000)); StepSession s = f.session("u1")) {
            List<SmallFiles.Upload> files = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                files.add(new SmallFiles.Upload("q" + i, f.file("in/q" + i, 10_000, i)));
            }
            Heard up = new Heard();
            List<SmallFiles.Upload> rest = SmallFiles.upload(s, files, new TransferOptions(1, 0, 0, false, 0),
                    () -> false, up);
            assertEquals(List.of(), rest);
            assertEquals(5, up.verified.size(), "50 000 bytes hold five files of 10 000");
            assertEquals(3, up.failed.size());
            for (StepException e : up.failed.values()) {
                assertEquals(415, e.status(), e.getMessage());
            }
        }
    }

    @Test
    void aFileThatCannotBeWrittenFailsAloneAndTheOthersArriveSynced() throws IOException, StepException {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            List<SmallFiles.Upload> files = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                files.add(new SmallFiles.Upload("w/f" + i, f.file("in/f" + i, 1 + (i * 7919) % 20_000, 500 + i)));
            }
            Heard up = new Heard();
            assertEquals(List.of(), SmallFiles.upload(s, files, TransferOptions.DEFAULTS, () -> false, up));
            assertEquals(300, up.verified.size(), up.failed::toString);

            // "blocked" is a file, so nothing can be written below it: an I/O error on the local side.
            Path out = f.local.resolve("out");
            Files.createDirectories(out);
            Files.writeString(out.resolve("blocked"), "not a folder");
            List<SmallFiles.Download> wanted = new ArrayList<>();
            for (RemoteFile r : s.list("w/")) {
                String name = r.key().substring(2);
                Path target = name.equals("f7") ? out.resolve("blocked/f7") : out.resolve(name);
                wanted.add(new SmallFiles.Download(r.key(), target, r.size(), r.md5()));
            }
            Heard down = new Heard();
            assertEquals(List.of(), SmallFiles.download(s, wanted, TransferOptions.DEFAULTS, () -> false, down));
            assertEquals(299, down.verified.size(), down.failed::toString);
            assertEquals(List.of("w/f7"), List.copyOf(down.failed.keySet()));
            assertTrue(down.failed.get("w/f7") instanceof StepException.LocalFileException, down.failed::toString);
            for (SmallFiles.Upload u : files) {
                if (!u.key().equals("w/f7")) {
                    assertArrayEquals(Files.readAllBytes(u.path()), Files.readAllBytes(out.resolve(u.key().substring(2))));
                }
            }
            try (var left = Files.list(out)) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no part file is left");
            }
        }
    }
}
