package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.tasks.FreeNames;
import org.fita.transfer.tasks.LocalTree;
import org.fita.transfer.view.RemoteFiles.Column;
import org.fita.transfer.view.RemoteFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rename answers, drop plans, download targets, and the explorer's filtered, sorted listing. */
class NamesAndListingsTest {

    @Test
    void aFreeNameNumbersTheStemAndKeepsTheExtension() {
        Set<String> taken = Set.of("a.txt", "a (1).txt", "dir/b", "dir.x/c", ".profile", "t.tar.gz");
        assertEquals("new.txt", FreeNames.next("new.txt", taken::contains));
        assertEquals("a (2).txt", FreeNames.next("a.txt", taken::contains));
        assertEquals("dir/b (1)", FreeNames.next("dir/b", taken::contains));
        assertEquals("dir.x/c (1)", FreeNames.next("dir.x/c", taken::contains), "a dot in a folder is no extension");
        assertEquals(".profile (1)", FreeNames.next(".profile", taken::contains));
        assertEquals("t.tar (1).gz", FreeNames.next("t.tar.gz", taken::contains));
    }

    @Test
    void droppedFilesAndFoldersBecomeKeys(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("top.txt"), "t");
        Path folder = Files.createDirectories(dir.resolve("photos/2024"));
        Files.writeString(folder.resolve("b.jpg"), "b");
        Files.writeString(folder.resolve("a.jpg"), "a");
        List<LocalTree.Entry> plan = LocalTree.planAll(List.of(file, dir.resolve("photos")), "in/");
        assertEquals(List.of("in/top.txt", "in/photos/2024/a.jpg", "in/photos/2024/b.jpg"),
                plan.stream().map(LocalTree.Entry::key).toList());
        assertEquals(folder.resolve("a.jpg"), plan.get(1).file());
        assertThrows(StepException.LocalFileException.class, () -> LocalTree.planAll(List.of(dir.resolve("gone")), ""));
    }

    @Test
    void keysDownloadIntoFoldersAndNeverOutside(@TempDir Path dir) throws Exception {
        assertEquals(dir.resolve("a/b/c.txt").toAbsolutePath(), LocalTree.target(dir, "a/b/c.txt"));
        assertEquals(dir.resolve("x\\y").toAbsolutePath(), LocalTree.target(dir, "x\\y"));
        assertThrows(StepException.class, () -> LocalTree.target(dir, "../up"));
        assertThrows(StepException.class, () -> LocalTree.target(dir, "/abs"));
        assertThrows(StepException.class, () -> LocalTree.target(dir, "a//b"));
    }

    @Test
    void theListingViewFiltersAndSortsByEveryColumn() {
        List<RemoteFile> files = List.of(new RemoteFile("b.TXT", 30, "cc", 1), new RemoteFile("a.bin", 10, "bb", 3),
                new RemoteFile("dir/c.txt", 20, "aa", 2));
        assertEquals(List.of("a.bin", "b.TXT", "dir/c.txt"), keys(RemoteFiles.view(files, "", Column.NAME, true)));
        assertEquals(List.of("dir/c.txt", "b.TXT", "a.bin"), keys(RemoteFiles.view(files, null, Column.NAME, false)));
        assertEquals(List.of("a.bin", "dir/c.txt", "b.TXT"), keys(RemoteFiles.view(files, " ", Column.SIZE, true)));
        assertEquals(List.of("a.bin", "dir/c.txt", "b.TXT"), keys(RemoteFiles.view(files, "", Column.MODIFIED, false)));
        assertEquals(List.of("dir/c.txt", "a.bin", "b.TXT"), keys(RemoteFiles.view(files, "", Column.MD5, true)));
        assertEquals(List.of("b.TXT", "dir/c.txt"), keys(RemoteFiles.view(files, "txt", Column.NAME, true)),
                "substring, case-insensitive");
        assertEquals(List.of("dir/c.txt"), keys(RemoteFiles.view(files, "*/?.TXT", Column.NAME, true)), "glob");
        assertEquals(List.of(), keys(RemoteFiles.view(files, "a.b?n.", Column.NAME, true)));
        assertEquals(List.of("a.bin"), keys(RemoteFiles.view(files, "a.b?n", Column.NAME, true)),
                "a glob's dot is a dot");
    }

    @Test
    void tenThousandEntriesSortAndFilterQuickly() {
        List<RemoteFile> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            files.add(new RemoteFile("folder" + (i % 100) + "/file-" + i + ".dat", i * 37L % 100_000, "md5-" + i, i));
        }
        long start = System.nanoTime();
        for (Column c : Column.values()) {
            assertEquals(10_000, RemoteFiles.view(files, "", c, false).size());
        }
        assertEquals(100, RemoteFiles.view(files, "folder7/", Column.NAME, true).size());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    @Test
    void existingKeysAreFoundOnFitaAndClassicServers() throws Exception {
        for (boolean classic : new boolean[] {false, true}) {
            try (EngineFixture f = new EngineFixture(b -> b.classicOnly(classic)); StepSession s = f.session("u1")) {
                s.upload(f.file("a", 10, 1), "a", TransferOptions.DEFAULTS, TransferListener.NONE).await();
                s.upload(f.file("b", 10, 2), "dir/b", TransferOptions.DEFAULTS, TransferListener.NONE).await();
                assertEquals(Set.of("a", "dir/b"), RemoteFiles.existing(s, List.of("a", "dir/b", "c")), "classic " + classic);
                assertEquals(Set.of(), RemoteFiles.existing(s, List.of()));
            }
        }
    }

    private static List<String> keys(List<RemoteFile> files) {
        return files.stream().map(RemoteFile::key).toList();
    }
}
