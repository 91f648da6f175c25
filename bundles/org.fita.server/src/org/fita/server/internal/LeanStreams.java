package org.fita.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Buffered socket streams that hold no buffer while their connection waits. Ten thousand idle
 * connections would otherwise keep ten thousand buffers; these keep a few bytes each, and take a
 * buffer only while requests arrive or a reply is written. Not thread-safe: one connection thread
 * uses them.
 */
final class LeanStreams {
    private LeanStreams() {
    }

    /** Reads through a buffer that exists only while bytes are waiting in it. */
    static final class Input extends InputStream {
        private final InputStream in;
        private final int size;
        /** What a blocking read with an empty buffer reads into: a frame header's worth. */
        private final byte[] waiting = new byte[8];
        private byte[] buf;
        private int pos;
        private int limit;

        Input(InputStream in, int size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            if (pos == limit && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == limit) {
                if (len >= size) {
                    // Large reads (block payloads) go straight to the caller's array.
                    return in.read(b, off, len);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Refills the empty buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            pos = 0;
            limit = 0;
            if (in.available() == 0) {
                // Nothing has arrived: wait holding only a few bytes, and take a buffer when data comes.
                buf = null;
                int n = in.read(waiting, 0, waiting.length);
                if (n < 0) {
                    return false;
                }
                buf = new byte[size];
                System.arraycopy(waiting, 0, buf, 0, n);
                limit = n;
                int more = Math.min(in.available(), size - n);
                if (more > 0) {
                    int m = in.read(buf, n, more);
                    limit += Math.max(m, 0);
                }
                return true;
            }
            if (buf == null) {
                buf = new byte[size];
            }
            int n = in.read(buf, 0, size);
            if (n < 0) {
                return false;
            }
            limit = n;
            return true;
        }

        @Override
        public int available() throws IOException {
            return (limit - pos) + in.available();
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            if (pos < limit) {
                int k = (int) Math.min(n, limit - pos);
                pos += k;
                return k;
            }
            return in.skip(n);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Writes through a buffer that exists only between the first write and the next flush. */
    static final class Output extends OutputStream {
        private final OutputStream out;
        private final int size;
        private byte[] buf;
        private int count;

        Output(OutputStream out, int size) {
            this.out = out;
            this.size = size;
        }

        @Override
        public void write(int b) throws IOException {
            if (buf == null) {
                buf = new byte[size];
            } else if (count == size) {
                drain();
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= size) {
                drain();
                out.write(b, off, len);
                return;
            }
            if (buf == null) {
                buf = new byte[size];
            } else if (len > size - count) {
                drain();
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void drain() throws IOException {
            if (count > 0) {
                out.write(buf, 0, count);
                count = 0;
            }
        }

        /** Sends what is buffered and lets the buffer go: the connection may now wait a long time. */
        @Override
        public void flush() throws IOException {
            drain();
            buf = null;
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                out.close();
            }
        }
    }
}
