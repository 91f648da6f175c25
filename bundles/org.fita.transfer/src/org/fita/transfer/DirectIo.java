package org.fita.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Direct I/O (O_DIRECT) for downloads: writing a large file through the page cache costs some
 * machines far more than the copy itself (a virtual machine here spent 2.3 s of system time per GiB
 * on new page-cache pages, against 0.1 s with direct I/O). Turned off with the system property
 * {@code fita.directIo=false}.
 */
final class DirectIo {
    /** Alignment of positions, lengths and buffers that direct I/O needs on common file systems. */
    static final int ALIGNMENT = 4096;
    /** The aligned buffer a lane writes through: one piece of a block at a time. */
    static final int PIECE = 1 << 20;
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("fita.directIo", "true"));

    /**
     * {@code ExtendedOpenOption.DIRECT}, looked up at run time: it lives in the JDK's unsupported
     * module, which an OSGi bundle cannot import; null where the runtime lacks it.
     */
    private static final OpenOption OPTION = lookUp();

    private DirectIo() {
    }

    private static OpenOption lookUp() {
        try {
            Class<?> options = Class.forName("com.sun.nio.file.ExtendedOpenOption", false,
                    ClassLoader.getSystemClassLoader());
            for (Object option : options.getEnumConstants()) {
                if (((Enum<?>) option).name().equals("DIRECT")) {
                    return (OpenOption) option;
                }
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            // No direct I/O on this runtime: downloads write through the page cache.
        }
        return null;
    }

    /** The file opened for direct writes, or null where the runtime or the file system has no direct I/O. */
    static FileChannel openForWriting(Path file) {
        if (OPTION == null) {
            return null;
        }
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, OPTION, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // tmpfs, some network file systems: the page cache it is
        }
    }

    /** A direct buffer of {@code capacity} bytes aligned for direct I/O. */
    static ByteBuffer buffer(int capacity) {
        int size = Math.max(ALIGNMENT, capacity - capacity % ALIGNMENT);
        return ByteBuffer.allocateDirect(size + ALIGNMENT - 1).alignedSlice(ALIGNMENT).limit(size).slice();
    }
}
