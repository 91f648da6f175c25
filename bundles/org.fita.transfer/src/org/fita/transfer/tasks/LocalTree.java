package org.fita.transfer.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;

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

    /**
     * What dropping or choosing {@code paths} uploads: a file as {@code prefix + its name}, a folder
     * as {@link #plan} with {@code prefix + its name + "/"}, in the order given.
     */
    public static List<Entry> planAll(List<Path> paths, String prefix) throws StepException {
        String start = prefix == null ? "" : prefix;
        List<Entry> entries = new ArrayList<>();
        for (Path path : paths) {
            String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
            if (Files.isDirectory(path)) {
                entries.addAll(plan(path, start + name + "/"));
            } else if (Files.isRegularFile(path)) {
                StepSession.checkKey(start + name);
                entries.add(new Entry(path, start + name));
            } else {
                throw new StepException.LocalFileException("Cannot upload " + path + ": it is neither a file nor a folder.",
                        null);
            }
        }
        return entries;
    }

    /**
     * Where {@code key} downloads to under {@code dir}: its '/' segments become folders. Keys never
     * hold "." or ".." segments, and the result is checked to stay inside {@code dir} all the same.
     *
     * @throws StepException if a segment cannot be a local file name here
     */
    public static Path target(Path dir, String key) throws StepException {
        StepSession.checkKey(key);
        Path base = dir.toAbsolutePath().normalize();
        Path target = base;
        try {
            for (String segment : key.split("/")) {
                target = target.resolve(segment);
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw new StepException.LocalFileException("\"" + key + "\" cannot be a local file name: " + e.getMessage(), e);
        }
        if (!target.normalize().startsWith(base) || target.equals(base)) {
            throw new StepException.LocalFileException("\"" + key + "\" would land outside " + base + ".", null);
        }
        return target;
    }
}
