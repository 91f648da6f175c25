package org.fita.server.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Reads a finished file by position. */
public interface BlobReader extends Closeable {

    /**
     * Reads up to {@code dst.remaining()} bytes from {@code offset}.
     *
     * @return bytes read, or -1 at the end of the file
     */
    int read(long offset, ByteBuffer dst) throws IOException;
}
