package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fita-server user ...} manages the accounts that a server started with {@code --auth accounts} checks. */
class AccountsIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path root;

    @Test
    void usersAddedAndRemovedOnTheCommandLineAreTheOnlyOnesThatLogIn() throws Exception {
        StandaloneJar.Result added = StandaloneJar.SERVER.run(Map.of("FITA_PASSWORD", "s3cret"), "user", "add", "alice", "--root", root.toString());
        assertEquals(0, added.exitCode(), added::describe);
        StandaloneJar.Result listed = StandaloneJar.SERVER.run("user", "list", "--root", root.toString());
        assertEquals(0, listed.exitCode(), listed::describe);
        assertEquals("alice", listed.stdout().strip(), "user list");

        ServerProcess server = servers.start(root, "--auth", "accounts");
        try (StepClient client = StepClient.connect(server.port())) {
            String token = client.login("alice", "s3cret");
            assertFalse(token == null || token.isEmpty(), "LOGIN reply without a token");
            assertEquals(401, client.request(Requests.login("alice", "wrong")).status(), "wrong password");
            StepMessage classic = client.request(Requests.login("alice", TestData.classicPassword("alice")));
            assertEquals(401, classic.status(), () -> "the classic md5(username) rule in accounts mode: " + classic);

            StandaloneJar.Result removed = StandaloneJar.SERVER.run("user", "remove", "alice", "--root", root.toString());
            assertEquals(0, removed.exitCode(), removed::describe);
            // The running server rereads accounts.json when it changes.
            assertEquals(401, client.request(Requests.login("alice", "s3cret")).status(), "LOGIN of a removed user");
        }
    }

    @Test
    void addingAnExistingUserFailsWithoutChangingThePassword() throws Exception {
        String rootArg = root.toString();
        assertEquals(0, StandaloneJar.SERVER.run(Map.of("FITA_PASSWORD", "first"), "user", "add", "carol", "--root", rootArg).exitCode());

        StandaloneJar.Result again = StandaloneJar.SERVER.run(Map.of("FITA_PASSWORD", "second"), "user", "add", "carol", "--root", rootArg);

        assertEquals(1, again.exitCode(), again::describe);
        assertTrue(again.stderr().contains("already exists"), again::describe);
        ServerProcess server = servers.start(root, "--auth", "accounts");
        try (StepClient client = StepClient.connect(server.port())) {
            client.login("carol", "first");
        }
    }

    @Test
    void quotaAndRevokeOnTheCommandLineApplyToARunningServer() throws Exception {
        String rootArg = root.toString();
        StandaloneJar.Result added = StandaloneJar.SERVER.run(Map.of("FITA_PASSWORD", "pw"), "user", "add", "dave",
                "--quota", "10K", "--root", rootArg);
        assertEquals(0, added.exitCode(), added::describe);
        ServerProcess server = servers.start(root, "--auth", "accounts", "--default-quota", "1K", "--upload-ttl", "2d");
        try (StepClient client = StepClient.connect(server.port())) {
            String token = client.login("dave", "pw");
            StepMessage over = client.request(Requests.fileSave(token, "big.bin", 20_000));
            assertEquals(415, over.status(), over::toString);
            assertTrue(over.statusMessage().contains("10240 bytes allowed"), over::toString);

            StandaloneJar.Result raised = StandaloneJar.SERVER.run("user", "quota", "dave", "1M", "--root", rootArg);
            assertEquals(0, raised.exitCode(), raised::describe);
            assertEquals(200, client.request(Requests.fileSave(token, "big.bin", 20_000)).status(), "the new quota");

            StandaloneJar.Result revoked = StandaloneJar.SERVER.run("user", "revoke", "dave", "--root", rootArg);
            assertEquals(0, revoked.exitCode(), revoked::describe);
            StepMessage refused = client.request(Requests.fileGet(token, "big.bin"));
            assertEquals(403, refused.status(), () -> "a revoked token: " + refused);
            assertEquals(404, client.request(Requests.fileGet(client.login("dave", "pw"), "nothing")).status());
        }
    }
}
