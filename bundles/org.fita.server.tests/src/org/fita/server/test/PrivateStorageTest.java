package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.PasswordHasher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Nothing under the storage root is open to other local users, and a root others could tamper with is refused. */
class PrivateStorageTest {

    /** Whether this process creates files readable by others (umask 022 and the like). */
    private static boolean umaskLetsOthersRead() throws IOException {
        Path probe = Files.createTempFile("fita-umask", ".probe");
        try {
            Path plain = probe.resolveSibling(probe.getFileName() + ".plain");
            Files.newOutputStream(plain).close();
            boolean open = Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ);
            Files.delete(plain);
            return open;
        } finally {
            Files.delete(probe);
        }
    }

    @Test
    void everyFileIsOwnerOnlyWhateverTheUmask() throws IOException {
        System.out.println("PrivateStorageTest: this JVM's umask lets others read new files: " + umaskLetsOthersRead());
        Path root = Files.createTempDirectory("fita-private").resolve("root-made-by-the-server");
        try (ServerFixture fixture = ServerFixture.startOn(root, b -> b.authMode(AuthMode.ACCOUNTS));
                StepClient c = fixture.client()) {
            new AccountStore(fixture.root, new PasswordHasher(10_000)).add("alice", "pw", false);
            String token = c.login("alice", "pw");
            byte[] file = TestFiles.random(50_000, 1);
            UploadTest.upload(c, token, "done.bin", file);
            assertEquals(200, c.call(Requests.fileSave(token, "half.bin", 50_000)).status());
            assertEquals(200, c.call(Requests.dataSave(token, "rec", Map.of("a", 1))).status());
            fixture.server.close(); // flushes the log
            List<String> open = new ArrayList<>();
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
                    if (!PosixFilePermissions.toString(mode).equals(want)) {
                        open.add(root.relativize(p) + " " + PosixFilePermissions.toString(mode));
                    }
                }
            }
            assertEquals(List.of(), open, "files or folders open to others");
            try (Stream<Path> all = Files.walk(root)) {
                List<String> names = all.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.containsAll(List.of("accounts.json", "server.secret", "fita-server.0.log")), names.toString());
            }
        } finally {
            ServerFixture.deleteTree(root.getParent());
        }
    }

    @Test
    void filesLeftReadableByAnEarlierVersionAreMadePrivate() throws IOException {
        Path root = Files.createTempDirectory("fita-private");
        Path accounts = Files.writeString(root.resolve("accounts.json"), "{\"users\": {}}");
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerFixture fixture = ServerFixture.startOn(root, b -> b)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(accounts)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        }
    }

    private static IOException refusedStart(Path root) {
        return assertThrows(IOException.class, () -> ServerFixture.startOn(root, b -> b).close());
    }

    @Test
    void aRootWritableByOthersIsRefusedWithTheFix() throws IOException {
        Path root = Files.createTempDirectory("fita-private");
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwx---"));
            IOException e = refusedStart(root);
            assertTrue(e.getMessage().contains(root.toRealPath().toString()) && e.getMessage().contains("chmod 700"),
                    e.getMessage());
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            Path secret = Files.write(root.resolve("server.secret"), new byte[32]);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-rw-rw-"));
            e = refusedStart(root);
            assertTrue(e.getMessage().contains("server.secret") && e.getMessage().contains("chmod 600"), e.getMessage());
        } finally {
            ServerFixture.deleteTree(root);
        }
    }

    @Test
    void aLogFileThatIsALinkIsRefusedAndItsTargetUntouched() throws IOException {
        Path root = Files.createTempDirectory("fita-private");
        Path outside = Files.createTempFile("fita-outside", ".txt");
        try {
            Files.createDirectories(root.resolve("log"));
            Files.createSymbolicLink(root.resolve("log").resolve("fita-server.0.log"), outside);
            IOException e = refusedStart(root);
            assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains("fita-server.0.log"),
                    e.getMessage());
            assertEquals(0, Files.size(outside), "nothing was appended through the link");
        } finally {
            ServerFixture.deleteTree(root);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aRootOrSecretOwnedByAnotherUserIsRefused() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "This test needs to run as root to give a folder to another user (nobody); it was skipped.");
        UserPrincipal nobody = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path root = Files.createTempDirectory("fita-private");
        try {
            Files.setOwner(root, nobody);
            IOException e = refusedStart(root);
            assertTrue(e.getMessage().contains(root.toRealPath().toString()) && e.getMessage().contains("owned by nobody")
                    && e.getMessage().contains("chown"), e.getMessage());
            assertFalse(Files.exists(root.resolve("server.secret")), "nothing was created in a refused root");

            Files.setOwner(root, Files.getOwner(root.getParent()));
            Path planted = Files.write(root.resolve("server.secret"), new byte[32]);
            Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-------"));
            Files.setOwner(planted, nobody);
            e = refusedStart(root);
            assertTrue(e.getMessage().contains("server.secret") && e.getMessage().contains("owned by nobody"), e.getMessage());
        } finally {
            ServerFixture.deleteTree(root);
        }
    }

    /** A token dies with the credentials: password change, remove and re-create, and revoke. */
    @Test
    void tokensAreRevokedByAPasswordChangeARecreatedUserAndRevoke() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.authMode(AuthMode.ACCOUNTS));
                StepClient c = fixture.client()) {
            AccountStore accounts = new AccountStore(fixture.root, new PasswordHasher(10_000));
            accounts.add("alice", "first", false);
            String t1 = c.login("alice", "first");
            assertEquals(404, c.call(Requests.fileGet(t1, "k")).status(), "the token works");

            accounts.add("alice", "second", true);
            assertRefused(c, t1, "Token is wrong.");
            String t2 = c.login("alice", "second");
            assertEquals(404, c.call(Requests.fileGet(t2, "k")).status());

            accounts.revoke("alice");
            assertRefused(c, t2, "Token is wrong.");
            String t3 = c.login("alice", "second");

            assertTrue(accounts.remove("alice"));
            assertRefused(c, t3, "no longer exists");
            accounts.add("alice", "someone else", false);
            assertRefused(c, t3, "Token is wrong.");
            assertRefused(c, t1, "Token is wrong.");
            assertEquals(404, c.call(Requests.fileGet(c.login("alice", "someone else"), "k")).status());
        }
    }

    @Test
    void revokeWorksForClassicUsersWithoutAnAccount() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(); StepClient c = fixture.client()) {
            String token = c.login("2254001");
            String other = c.login("2254002");
            assertFalse(new AccountStore(fixture.root, new PasswordHasher(10_000)).revoke("2254001"));
            assertRefused(c, token, "Token is wrong.");
            assertEquals(404, c.call(Requests.fileGet(other, "k")).status(), "other users keep their tokens");
            assertEquals(404, c.call(Requests.fileGet(c.login("2254001"), "k")).status());
        }
    }

    private static void assertRefused(StepClient c, String token, String why) throws IOException {
        StepMessage r = c.call(Requests.fileGet(token, "k"));
        assertEquals(403, r.status(), r.toString());
        assertTrue(r.statusMessage().contains(why), r.statusMessage());
    }
}
