package org.fita.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * A second baseline: the file read from the page cache and copied through a plain socket on
 * 127.0.0.1 to a reader that discards it. No protocol, hashing or disk writes: what moving the
 * bytes alone costs on this machine.
 */
final class LoopbackCopy {
    private static final int BUFFER = 1 << 20;

    private LoopbackCopy() {
    }

    static long once(Path file) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> drain(listener));
            long start = System.nanoTime();
            long sent = 0;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                OutputStream out = socket.getOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
                int n;
                while ((n = channel.read(buffer.clear())) >= 0) {
                    out.write(buffer.array(), 0, n);
                    sent += n;
                }
                socket.shutdownOutput();
                if (received.join() != sent) {
                    throw new IOException("The loopback copy lost bytes.");
                }
            }
            return System.nanoTime() - start;
        }
    }

    private static long drain(ServerSocket listener) {
        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
