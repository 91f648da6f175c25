package org.fita.transfer.view;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.view.RemoteFiles.Column;

/**
 * A flat listing seen as folders, as file managers show it: a key's '/' separates folder names, so
 * "photos/2024/a.jpg" is the file "a.jpg" in the folder "photos/2024/". Folders are prefixes ending
 * with '/', the root is "". Servers know no folders: one exists while a file lies under it.
 */
public final class RemoteFolders {
    /** The top folder. */
    public static final String ROOT = "";

    private static final Comparator<RemoteFile> BY_KEY = Comparator.comparing(RemoteFile::key);

    private RemoteFolders() {
    }

    /**
     * The rows of {@code folder}: its sub-folders, then its files, each group sorted by
     * {@code column} (then by key), so that folders come first in either direction. A non-blank
     * {@code filter} searches the whole listing instead ({@link RemoteFiles#view}): the matching
     * files, flat, named by their whole keys.
     */
    public static List<RemoteEntry> view(Collection<RemoteFile> files, String folder, String filter, Column column,
            boolean ascending) {
        if (filter != null && !filter.isBlank()) {
            List<RemoteEntry> found = new ArrayList<>();
            for (RemoteFile f : RemoteFiles.view(files, filter, column, ascending)) {
                found.add(new RemoteEntry.File(f, f.key()));
            }
            return found;
        }
        String prefix = folder == null ? ROOT : folder;
        Map<String, List<RemoteFile>> underSubFolders = new HashMap<>();
        List<RemoteFile> direct = new ArrayList<>();
        for (RemoteFile f : files) {
            String key = f.key();
            if (!key.startsWith(prefix)) {
                continue;
            }
            int slash = key.indexOf('/', prefix.length());
            if (slash < 0) {
                direct.add(f);
            } else {
                underSubFolders.computeIfAbsent(key.substring(0, slash + 1), k -> new ArrayList<>()).add(f);
            }
        }
        List<RemoteEntry.Folder> folders = new ArrayList<>(underSubFolders.size());
        underSubFolders.forEach((key, under) -> folders.add(folder(key, key.substring(prefix.length()), under)));
        Comparator<RemoteEntry.Folder> folderOrder = column.folderOrder.thenComparing(RemoteEntry.Folder::key);
        folders.sort(ascending ? folderOrder : folderOrder.reversed());

        List<RemoteEntry> rows = new ArrayList<>(folders.size() + direct.size());
        rows.addAll(folders);
        for (RemoteFile f : RemoteFiles.view(direct, null, column, ascending)) {
            rows.add(new RemoteEntry.File(f, f.key().substring(prefix.length())));
        }
        return rows;
    }

    private static RemoteEntry.Folder folder(String key, String name, List<RemoteFile> under) {
        under.sort(BY_KEY);
        long size = -1;
        long modified = -1;
        for (RemoteFile f : under) {
            if (f.size() >= 0) {
                size = Math.max(size, 0) + f.size();
            }
            modified = Math.max(modified, f.modified());
        }
        return new RemoteEntry.Folder(key, name, under, size, modified);
    }

    /** The folder that holds {@code keyOrFolder}: "photos/" for "photos/2024/" and "photos/a.jpg"; the root for the root. */
    public static String parent(String keyOrFolder) {
        int end = keyOrFolder.endsWith("/") ? keyOrFolder.length() - 1 : keyOrFolder.length();
        int slash = end <= 0 ? -1 : keyOrFolder.lastIndexOf('/', end - 1);
        return slash < 0 ? ROOT : keyOrFolder.substring(0, slash + 1);
    }

    /** The folders from the top down to {@code folder}: "photos/", "photos/2024/"; none for the root. */
    public static List<String> pathTo(String folder) {
        List<String> path = new ArrayList<>();
        for (int slash = folder.indexOf('/'); slash >= 0; slash = folder.indexOf('/', slash + 1)) {
            path.add(folder.substring(0, slash + 1));
        }
        return path;
    }

    /**
     * {@code folder} if a file of {@code files} still lies under it, else its nearest ancestor that
     * holds one, else the root: where a view stays after the listing changed.
     */
    public static String nearestExisting(Collection<RemoteFile> files, String folder) {
        String candidate = folder == null ? ROOT : folder;
        while (!candidate.isEmpty() && !holdsAFile(files, candidate)) {
            candidate = parent(candidate);
        }
        return candidate;
    }

    private static boolean holdsAFile(Collection<RemoteFile> files, String folder) {
        for (RemoteFile f : files) {
            if (f.key().startsWith(folder)) {
                return true;
            }
        }
        return false;
    }

    /** The files that {@code rows} stand for, each once, in key order: what an operation on them acts on. */
    public static List<RemoteFile> filesOf(Collection<? extends RemoteEntry> rows) {
        Map<String, RemoteFile> byKey = new TreeMap<>();
        for (RemoteEntry row : rows) {
            for (RemoteFile f : row.files()) {
                byKey.putIfAbsent(f.key(), f);
            }
        }
        return new ArrayList<>(byKey.values());
    }
}
