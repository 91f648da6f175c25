package org.fita.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Maps a local folder to keys: each regular file's path relative to the folder, with '/' between names. */
public final class LocalTree {
    private LocalTree() {
    }

    /** A file and the key it uploads as. */
    public record Entry(Path file, String key) {
    }

    /**
     * The regular files under {@code dir} (recursively, links not followed), in key order, keyed
     * {@code prefix + relative path}; {@code prefix} may be empty or end with '/'.
     *
     * @throws StepException if a file's name cannot be a key (the message names the file)
     */
    public static List<Entry> plan(Path dir, String prefix) throws StepException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                Path relative = dir.relativize(file);
                StringBuilder key = new StringBuilder(prefix == null ? "" : prefix);
                for (int i = 0; i < relative.getNameCount(); i++) {
                    if (i > 0) {
                        key.append('/');
                    }
                    key.append(relative.getName(i));
                }
                StepSession.checkKey(key.toString());
                entries.add(new Entry(file, key.toString()));
            }
        } catch (IOException e) {
            throw new StepException.LocalFileException("Cannot read the folder " + dir + ": " + e.getMessage(), e);
        }
        entries.sort((a, b) -> a.key().compareTo(b.key()));
        return entries;
    }
}
