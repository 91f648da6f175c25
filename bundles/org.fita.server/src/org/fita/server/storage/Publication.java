package org.fita.server.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publication of a verified upload, replacing any finished file of the same key: the new metadata
 * is written beside the old as {@code .meta.next}, the bytes are renamed over the old file, then
 * the metadata over the old metadata. A crash between the renames is finished at the next start
 * ({@link #finishInterrupted}): the part file is gone exactly when the bytes were renamed.
 *
 * <p>Both run under the user's lock ({@link UserSpace#lock}), the only lock taken here.
 */
final class Publication {
    private static final String META_NEXT = UserSpace.META + ".next";

    private Publication() {
    }

    /**
     * Moves a verified upload into place and settles its bookkeeping: the journal goes, the promise
     * closes, the index and the stored bytes count the file.
     *
     * @param mustBeCurrent refuse (as restarted) an upload that was deleted or planned anew meanwhile
     */
    static StoredFile publish(UserSpace space, LocalUpload upload, String md5, boolean mustBeCurrent)
            throws IOException {
        space.lock.lock();
        try {
            if (mustBeCurrent && space.uploads.get(upload.key()) != upload) {
                throw new UploadRestartedException(upload.key()); // deleted or planned anew while it completed
            }
            StoredFile stored = new StoredFile(upload.key(), upload.size(), md5, System.currentTimeMillis());
            String name = upload.name();
            DurableFiles.writeAtomically(space.metaNext(name), stored.metaJson(),
                    "finishing \"" + upload.key() + "\"");
            try {
                DurableFiles.moveAtomically(upload.partPath(), space.blob(name));
            } catch (IOException e) {
                Files.deleteIfExists(space.metaNext(name));
                throw DiskErrors.classify(e, "finishing \"" + upload.key() + "\"");
            }
            DurableFiles.moveAtomically(space.metaNext(name), space.meta(name));
            DurableFiles.syncDirectory(space.files);
            Files.deleteIfExists(upload.journalPath());
            space.uploads.remove(upload.key(), upload);
            Ledger.Entry promise = space.promises.remove(upload.key());
            if (promise != null) {
                promise.close();
            }
            upload.promise().close();
            space.indexed(stored);
            return stored;
        } finally {
            space.lock.unlock();
        }
    }

    /**
     * At start-up, settles every {@code .meta.next} a crash left (without the rename of the bytes
     * the old file stands; after it, the new metadata takes its place) and removes half-written
     * temporary files. Caller holds the user's lock.
     */
    static void finishInterrupted(UserSpace space) throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(space.files)) {
            for (Path f : all) {
                String n = f.getFileName().toString();
                if (n.endsWith(".tmp")) {
                    leftovers.add(f); // after the metadata: an inline file's bytes tell whether they were renamed
                } else if (n.endsWith(META_NEXT)) {
                    String name = n.substring(0, n.length() - META_NEXT.length());
                    if (Files.exists(space.part(name), LinkOption.NOFOLLOW_LINKS)
                            || Files.exists(space.inlineData(name), LinkOption.NOFOLLOW_LINKS)
                            || !Files.exists(space.blob(name))) {
                        Files.deleteIfExists(f); // the bytes were not renamed: the old file stands
                    } else {
                        DurableFiles.moveAtomically(f, space.meta(name)); // the bytes were renamed: finish with their metadata
                    }
                }
            }
        }
        for (Path f : leftovers) {
            Files.deleteIfExists(f);
        }
    }
}
