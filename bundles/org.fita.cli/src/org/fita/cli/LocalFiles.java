package org.fita.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fita.transfer.Md5;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException.LocalFileException;

/** Local files compared with the server's: whether a transfer would move anything at all. */
final class LocalFiles {
    private LocalFiles() {
    }

    /** True if {@code file} has {@code remote}'s size and MD5; the size is compared first, as it costs nothing. */
    static boolean sameContent(Path file, RemoteFile remote) throws LocalFileException {
        try {
            return Files.size(file) == remote.size() && Md5.ofFile(file).equalsIgnoreCase(remote.md5());
        } catch (IOException e) {
            throw new LocalFileException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
