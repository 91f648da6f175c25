package org.fita.transfer.view;

import java.util.List;
import org.fita.transfer.RemoteFile;

/**
 * A row of a folder view of a listing ({@link RemoteFolders#view}): a sub-folder, standing for
 * every file whose key starts with its prefix, or a single file.
 */
public sealed interface RemoteEntry permits RemoteEntry.Folder, RemoteEntry.File {
    /** The file's key, or the folder's prefix (it ends with '/'): unique among the rows of one view. */
    String key();

    /** What the row shows: the last part of the key ("2024/", "a.jpg"), or the whole key in a search. */
    String name();

    /** Bytes: the file's length, or the total of the files under the folder (-1 when unknown). */
    long size();

    /** Milliseconds since the epoch: the file's time, or the newest under the folder (-1 when unknown). */
    long modified();

    /** The files the row stands for: the file itself, or every file under the folder in key order. */
    List<RemoteFile> files();

    /**
     * A sub-folder: the files whose keys start with {@code key}.
     *
     * @param key   the prefix, such as "photos/2024/"
     * @param name  the last part of the prefix, such as "2024/"
     * @param files the files under it, in key order, never empty
     */
    record Folder(String key, String name, List<RemoteFile> files, long size, long modified) implements RemoteEntry {
        public Folder {
            files = List.copyOf(files);
        }
    }

    /**
     * A file of the folder shown, or a file found by a search.
     *
     * @param file the file
     * @param name its key without the folder's prefix, or the whole key
     */
    record File(RemoteFile file, String name) implements RemoteEntry {
        @Override
        public String key() {
            return file.key();
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public long modified() {
            return file.modified();
        }

        @Override
        public List<RemoteFile> files() {
            return List.of(file);
        }
    }
}
