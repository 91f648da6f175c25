package org.fita.transfer.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferListener;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.view.RemoteEntry;
import org.fita.transfer.view.RemoteFiles.Column;
import org.fita.transfer.view.RemoteFolders;
import org.junit.jupiter.api.Test;

/** A flat listing seen as folders: rows of a folder, their totals and order, search, navigation. */
class RemoteFoldersTest {
    private static final List<RemoteFile> FILES = List.of(
            new RemoteFile("photos/2024/a.jpg", 10, "a1", 5),
            new RemoteFile("top.txt", 100, "t1", 1),
            new RemoteFile("photos/2024/b.jpg", 20, "b1", 7),
            new RemoteFile("photos/c.png", 5, "c1", 3),
            new RemoteFile("docs/readme.md", 1, "d1", 9),
            new RemoteFile("photos", 2, "p1", 2));

    @Test
    void theRootShowsItsFoldersWithTheirTotalsThenItsFiles() {
        List<RemoteEntry> rows = RemoteFolders.view(FILES, RemoteFolders.ROOT, "", Column.NAME, true);
        assertEquals(List.of("docs/", "photos/", "photos", "top.txt"), keys(rows));
        assertEquals(List.of("docs/", "photos/", "photos", "top.txt"), names(rows), "a file and a folder may share a name");
        RemoteEntry.Folder photos = assertInstanceOf(RemoteEntry.Folder.class, rows.get(1));
        assertEquals(35, photos.size(), "the bytes of every file under it");
        assertEquals(7, photos.modified(), "the newest under it");
        assertEquals(List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/c.png"),
                photos.files().stream().map(RemoteFile::key).toList());
        RemoteEntry.File top = assertInstanceOf(RemoteEntry.File.class, rows.get(3));
        assertEquals(FILES.get(1), top.file());
        assertEquals(List.of(FILES.get(1)), top.files());
    }

    @Test
    void aSubFolderShowsItsChildrenNamedWithoutItsPrefix() {
        List<RemoteEntry> rows = RemoteFolders.view(FILES, "photos/", null, Column.NAME, true);
        assertEquals(List.of("photos/2024/", "photos/c.png"), keys(rows));
        assertEquals(List.of("2024/", "c.png"), names(rows));
        assertEquals(List.of("a.jpg", "b.jpg"), names(RemoteFolders.view(FILES, "photos/2024/", "", Column.NAME, true)));
        assertEquals(List.of(), RemoteFolders.view(FILES, "gone/", "", Column.NAME, true));
    }

    @Test
    void foldersComeFirstInEveryOrderAndSortByTheirTotals() {
        for (Column column : Column.values()) {
            for (boolean ascending : new boolean[] {true, false}) {
                List<RemoteEntry> rows = RemoteFolders.view(FILES, "", "", column, ascending);
                assertEquals(List.of(true, true, false, false),
                        rows.stream().map(r -> r instanceof RemoteEntry.Folder).toList(), column + " " + ascending);
            }
        }
        assertEquals(List.of("docs/", "photos/", "photos", "top.txt"), keys(RemoteFolders.view(FILES, "", "", Column.SIZE,
                true)));
        assertEquals(List.of("photos/", "docs/", "top.txt", "photos"), keys(RemoteFolders.view(FILES, "", "", Column.SIZE,
                false)));
        assertEquals(List.of("docs/", "photos/", "photos", "top.txt"), keys(RemoteFolders.view(FILES, "", "",
                Column.MODIFIED, false)));
        assertEquals(List.of("photos/", "docs/", "top.txt", "photos"), keys(RemoteFolders.view(FILES, "", "", Column.MD5,
                false)), "folders by file count, files by MD5");
        assertEquals(List.of("photos/", "docs/", "top.txt", "photos"), keys(RemoteFolders.view(FILES, "", "", Column.NAME,
                false)));
    }

    @Test
    void unknownSizesAndTimesStayUnknownInTotals() {
        List<RemoteFile> classic = List.of(new RemoteFile("d/a", -1, "x", -1), new RemoteFile("d/b", -1, "y", -1),
                new RemoteFile("e/a", 4, "z", -1), new RemoteFile("e/b", -1, "w", 8));
        List<RemoteEntry> rows = RemoteFolders.view(classic, "", "", Column.NAME, true);
        assertEquals(List.of(-1L, 4L), rows.stream().map(RemoteEntry::size).toList());
        assertEquals(List.of(-1L, 8L), rows.stream().map(RemoteEntry::modified).toList());
    }

    @Test
    void aSearchFindsFilesInEveryFolderAndShowsWholeKeys() {
        List<RemoteEntry> found = RemoteFolders.view(FILES, "photos/2024/", ".JPG", Column.NAME, true);
        assertEquals(List.of("photos/2024/a.jpg", "photos/2024/b.jpg"), names(found));
        assertEquals(List.of("docs/readme.md"), names(RemoteFolders.view(FILES, "photos/", "*.md", Column.NAME, true)),
                "from any folder, a glob");
        assertTrue(RemoteFolders.view(FILES, "", "photo", Column.NAME, true).stream()
                .allMatch(r -> r instanceof RemoteEntry.File), "a search shows no folder rows");
        assertEquals(List.of("2024/", "c.png"), names(RemoteFolders.view(FILES, "photos/", "  ", Column.NAME, true)),
                "a blank filter is the folder again");
    }

    @Test
    void foldersHaveParentsAPathAndSurviveAsLongAsAFileLiesUnderThem() {
        assertEquals("photos/", RemoteFolders.parent("photos/2024/"));
        assertEquals("photos/", RemoteFolders.parent("photos/a.jpg"));
        assertEquals("", RemoteFolders.parent("photos/"));
        assertEquals("", RemoteFolders.parent("top.txt"));
        assertEquals("", RemoteFolders.parent(""));
        assertEquals(List.of("photos/", "photos/2024/"), RemoteFolders.pathTo("photos/2024/"));
        assertEquals(List.of(), RemoteFolders.pathTo(""));

        assertEquals("photos/2024/", RemoteFolders.nearestExisting(FILES, "photos/2024/"));
        assertEquals("photos/", RemoteFolders.nearestExisting(FILES, "photos/2023/raw/"), "the nearest ancestor left");
        assertEquals("", RemoteFolders.nearestExisting(FILES, "gone/deeper/"));
        assertEquals("", RemoteFolders.nearestExisting(List.of(), "photos/"));
    }

    @Test
    void operationsOnRowsActOnEveryFileUnderThemOnce() {
        List<RemoteEntry> rows = RemoteFolders.view(FILES, "", "", Column.SIZE, false);
        RemoteEntry photos = rows.get(0);
        List<RemoteEntry> inPhotos = RemoteFolders.view(FILES, "photos/", "", Column.NAME, true);
        List<RemoteEntry> mixed = new ArrayList<>(List.of(rows.get(2), photos));
        mixed.addAll(inPhotos);
        assertEquals(List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/c.png", "top.txt"),
                RemoteFolders.filesOf(mixed).stream().map(RemoteFile::key).toList());
        assertEquals(List.of(), RemoteFolders.filesOf(List.of()));
    }

    @Test
    void tenThousandFilesInAHundredFoldersGroupQuickly() {
        List<RemoteFile> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            files.add(new RemoteFile(String.format("folder%02d/sub%d/file-%05d.dat", i % 100, i % 3, i), i, "md5-" + i, i));
        }
        long start = System.nanoTime();
        for (Column c : Column.values()) {
            List<RemoteEntry> root = RemoteFolders.view(files, "", "", c, false);
            assertEquals(100, root.size());
            assertEquals(100, root.stream().mapToInt(r -> r.files().size()).min().orElse(0));
        }
        assertEquals(3, RemoteFolders.view(files, "folder07/", "", Column.NAME, true).size());
        assertEquals(34, RemoteFolders.view(files, "folder07/sub1/", "", Column.NAME, true).size());
        assertEquals(100, RemoteFolders.view(files, "folder07/sub1/", "folder07/", Column.NAME, true).size());
        assertEquals("folder07/sub1/", RemoteFolders.nearestExisting(files, "folder07/sub1/"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    @Test
    void aRealListingIsSeenAsFolders() throws Exception {
        try (EngineFixture f = new EngineFixture(b -> b); StepSession s = f.session("u1")) {
            for (String key : List.of("a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/z.jpg")) {
                s.upload(f.file(key.replace('/', '_'), 1000 + key.length(), key.hashCode()), key, TransferOptions.DEFAULTS,
                        TransferListener.NONE).await();
            }
            List<RemoteFile> listing = s.list(null);
            assertEquals(List.of("photos/", "a.txt"), keys(RemoteFolders.view(listing, "", "", Column.NAME, true)));
            List<RemoteEntry> photos = RemoteFolders.view(listing, "photos/", "", Column.NAME, true);
            assertEquals(List.of("2024/", "z.jpg"), names(photos));
            assertEquals(1017 + 1017, photos.get(0).size());
            assertEquals(List.of("photos/2024/x.jpg", "photos/2024/y.jpg"),
                    photos.get(0).files().stream().map(RemoteFile::key).toList());
        }
    }

    private static List<String> keys(List<RemoteEntry> rows) {
        return rows.stream().map(RemoteEntry::key).toList();
    }

    private static List<String> names(List<RemoteEntry> rows) {
        return rows.stream().map(RemoteEntry::name).toList();
    }
}
