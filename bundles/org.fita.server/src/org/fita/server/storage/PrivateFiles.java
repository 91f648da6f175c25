package org.fita.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and folders under the storage root that only the server's own user can reach: folders
 * 0700, files 0600, whatever the umask, and never through a symbolic link. Also the start-up check
 * in the manner of sshd's StrictModes: a root, or a file in it, owned by someone else or writable by
 * group or others is refused, because whoever can write there can plant a token secret or accounts.
 */
public final class PrivateFiles {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    private static boolean posix(Path p) {
        // The default file system on Linux and macOS applies a creation mode on every mount; looking
        // up the file store instead reads the mount table, which cost a small file's store dearly.
        if (p.getFileSystem() == java.nio.file.FileSystems.getDefault()
                && p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return true;
        }
        try {
            return Files.getFileStore(existingAncestor(p)).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path existingAncestor(Path p) {
        Path at = p.toAbsolutePath();
        while (at != null && !Files.exists(at, NOFOLLOW)) {
            at = at.getParent();
        }
        return at == null ? p.toAbsolutePath().getRoot() : at;
    }

    private static FileAttribute<?>[] attributes(Path p, Set<PosixFilePermission> mode) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and its missing parents as 0700 folders (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path at = dir.toAbsolutePath(); at != null && !Files.isDirectory(at, NOFOLLOW); at = at.getParent()) {
            if (Files.exists(at, NOFOLLOW)) {
                throw new StorageException(at + " is not a folder (it may be a symbolic link, which the server"
                        + " never follows inside its storage root); move it away.");
            }
            missing.add(at);
        }
        Collections.reverse(missing);
        for (Path m : missing) {
            try {
                Files.createDirectory(m, attributes(m, DIR_MODE));
                restrict(m);
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(m, NOFOLLOW)) {
                    throw raced;
                }
            }
        }
        return dir;
    }

    /**
     * Opens a file for the server's own use: never through a symbolic link, and created (when
     * {@code CREATE} is among the options) with mode 0600.
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        OpenOption[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = LinkOption.NOFOLLOW_LINKS;
        boolean creates = Stream.of(options).anyMatch(o -> o == StandardOpenOption.CREATE || o == StandardOpenOption.CREATE_NEW);
        if (!creates) {
            return FileChannel.open(file, all);
        }
        FileChannel ch = FileChannel.open(file, Set.of(all), attributes(file, FILE_MODE));
        restrict(file);
        return ch;
    }

    /** Writes a whole file with mode 0600, replacing what was there. */
    public static void write(Path file, byte[] content) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Takes group and other permissions away from a file or folder (not following a link). */
    public static void restrict(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW);
        if (view == null) {
            return;
        }
        PosixFileAttributes a;
        try {
            a = view.readAttributes();
        } catch (NoSuchFileException gone) {
            return;
        } catch (UnsupportedOperationException e) {
            return;
        }
        if (a.isSymbolicLink()) {
            return;
        }
        Set<PosixFilePermission> want = a.isDirectory() ? DIR_MODE : FILE_MODE;
        if (!a.permissions().equals(want)) {
            view.setPermissions(want);
        }
    }

    /**
     * Makes a storage root ready for a server: creates it (0700) if missing, {@link #checkRoot checks}
     * it, and creates the log folder and the files the server's log and lock would otherwise create
     * with the umask's mode.
     */
    public static void prepareRoot(Path root) throws IOException {
        createDirectories(root);
        checkRoot(root);
        Path log = createDirectories(root.resolve("log"));
        for (Path f : new Path[] {root.resolve(".lock"), log.resolve("fita-server.0.log"),
                log.resolve("fita-server.0.log.lck")}) {
            if (!Files.exists(f, NOFOLLOW)) {
                open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            }
        }
    }

    /**
     * Refuses a storage root that another local user could tamper with, and tightens what is only
     * too readable. Checks the root itself and every file and folder in it and in its {@code log} and {@code tls}
     * folders: each must be owned by the user running the server, must not be writable by group or
     * others, and must not be a symbolic link. Entries that are merely readable by others (made by an
     * earlier version under umask 022) are made private. The {@code users} tree is tightened as
     * it is walked, not refused, because only the server writes there.
     *
     * @throws StorageException naming the path and the fix
     */
    public static void checkRoot(Path root) throws IOException {
        Path real = root.toRealPath();
        if (!posix(real)) {
            return;
        }
        Object me = currentUid();
        checkEntry(real, me, true);
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(real)) {
            s.forEach(entries::add);
        }
        // log/ and tls/ (the self-signed certificate's key) are checked like the root's own files.
        for (String folder : new String[] {"log", "tls"}) {
            Path sub = real.resolve(folder);
            if (Files.isDirectory(sub, NOFOLLOW)) {
                try (Stream<Path> s = Files.list(sub)) {
                    s.forEach(entries::add);
                }
            }
        }
        for (Path e : entries) {
            checkEntry(e, me, false);
        }
        Path users = real.resolve("users");
        if (Files.isDirectory(users, NOFOLLOW)) {
            try (Stream<Path> all = Files.walk(users)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    restrict(p);
                }
            }
        }
    }

    private static void checkEntry(Path p, Object me, boolean isRoot) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
        if (a.isSymbolicLink()) {
            throw new StorageException(p + " is a symbolic link; the server never follows links inside its storage root."
                    + " Remove it (rm " + p + ") and start again.");
        }
        Object owner = Files.getAttribute(p, "unix:uid", NOFOLLOW);
        if (me != null && !me.equals(owner)) {
            throw new StorageException(p + " is owned by " + a.owner().getName() + ", not by " + userName()
                    + " who runs the server; another user could plant a token secret or accounts there. Use a storage"
                    + " root of your own (--root), or give it to this user (chown -R " + userName() + " " + p + ").");
        }
        if (!Collections.disjoint(a.permissions(), GROUP_OR_OTHER_WRITE)) {
            throw new StorageException(p + " is writable by " + (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)
                    ? "every local user" : "its group") + " (mode " + PosixFilePermissions.toString(a.permissions())
                    + "); others could plant a token secret or accounts there. Check nothing was planted, then run: chmod "
                    + (a.isDirectory() ? "700 " : "600 ") + p);
        }
        if (!Collections.disjoint(a.permissions(), GROUP_OR_OTHER)) {
            restrict(p);
        }
    }

    /** The uid of this process, as the unix attribute view reports owners; null where unknown. */
    private static Object currentUid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String userName() {
        return System.getProperty("user.name", "this user");
    }
}
