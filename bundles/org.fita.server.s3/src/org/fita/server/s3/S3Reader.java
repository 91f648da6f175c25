package org.fita.server.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.StorageException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads a finished file: one ranged GET of up to {@link #CHUNK} bytes serves the reads that follow
 * each other, so a download in order costs one request per chunk, not one per block.
 */
final class S3Reader implements BlobReader {
    static final long CHUNK = 64L << 20;

    private final S3BlobStore store;
    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final long size;
    private final byte[] copy = new byte[1 << 16];
    private ResponseInputStream<GetObjectResponse> in;
    private long pos;
    private long end;

    S3Reader(S3BlobStore store, S3Client s3, String bucket, String objectKey, long size) {
        this.store = store;
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.size = size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        if (offset >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && offset + total < size) {
            long at = offset + total;
            if (in == null || at != pos || pos >= end) {
                // Reads in order get a long range; a jump (connections taking turns) gets just what it asks.
                boolean inOrder = at == pos;
                reopen(at, inOrder ? CHUNK : dst.remaining());
            }
            int want = (int) Math.min(Math.min(dst.remaining(), copy.length), end - pos);
            int n = in.read(copy, 0, want);
            if (n < 0) {
                throw new StorageException("The object store ended " + objectKey + " early, at byte " + pos
                        + " of " + size + ". Download it again.");
            }
            dst.put(copy, 0, n);
            pos += n;
            total += n;
        }
        return total;
    }

    private void reopen(long at, long length) throws IOException {
        closeStream();
        long last = Math.min(size, at + Math.max(1, length)) - 1;
        String range = "bytes=" + at + "-" + last;
        in = store.call("reading " + objectKey, () -> s3.getObject(b -> b.bucket(bucket).key(objectKey).range(range)));
        pos = at;
        end = last + 1;
    }

    private void closeStream() {
        if (in != null) {
            if (pos < end) {
                in.abort(); // the rest of the range is not wanted: do not read it just to reuse the connection
            }
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a stream that is being thrown away
            }
            in = null;
        }
    }

    @Override
    public void close() {
        closeStream();
    }
}
