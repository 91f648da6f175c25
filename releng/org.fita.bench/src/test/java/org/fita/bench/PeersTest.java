package org.fita.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's own rsync daemon and sshd, where the machine has rsync and openssh-server: files make
 * the round trip through them intact, and closing stops both. Skipped where the tools are missing.
 */
class PeersTest {
    @TempDir
    Path dir;

    @Test
    void rsyncDaemonTakesAndGivesBackAFile() throws Exception {
        Path file = randomFile(dir.resolve("in.bin"), 300_000);
        int port;
        try (Peers peers = Peers.start(dir.resolve("peers"), new Report())) {
            assumeTrue(peers.hasRsync(), "rsync is not installed: " + peers.missing());
            port = peers.rsyncPort();
            peers.rsyncUpload(port, file, "up.bin", false, false);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(peers.rsyncModule().resolve("up.bin")));
            Path back = dir.resolve("back.bin");
            peers.rsyncDownload(port, "up.bin", back, false, peers.hasRsyncFsync());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
            // A folder's content lands in the remote folder, not a folder of the same name inside it.
            Path folder = Files.createDirectories(dir.resolve("folder"));
            randomFile(folder.resolve("a.bin"), 1000);
            peers.rsyncUpload(port, folder, "copy/", true, false);
            assertArrayEquals(Files.readAllBytes(folder.resolve("a.bin")),
                    Files.readAllBytes(peers.rsyncModule().resolve("copy/a.bin")));
            peers.rsyncDownload(port, "copy/", dir.resolve("copy-back"), true, false);
            assertArrayEquals(Files.readAllBytes(folder.resolve("a.bin")),
                    Files.readAllBytes(dir.resolve("copy-back/a.bin")));
            // A failed rsync is an exception that says what rsync said, not a fast time.
            IOException missing = assertThrows(IOException.class,
                    () -> peers.rsyncDownload(port, "no-such-file", dir.resolve("x"), false, false));
            assertFalse(missing.getMessage().isBlank());
        }
        assertFalse(accepts(port), "the rsync daemon still listens after close");
    }

    @Test
    void scpThroughTheBenchsOwnSshd() throws Exception {
        Path file = randomFile(dir.resolve("in.bin"), 300_000);
        try (Peers peers = Peers.start(dir.resolve("peers"), new Report())) {
            assumeTrue(peers.hasScp(), "no scp here: " + peers.missing());
            Path remote = peers.scpFolder().resolve("up.bin");
            peers.scpUpload(file, remote);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(remote));
            Path back = dir.resolve("back.bin");
            peers.scpDownload(remote, back);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
        }
    }

    private static Path randomFile(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return Files.write(file, bytes);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
