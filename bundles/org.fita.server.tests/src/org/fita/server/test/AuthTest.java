package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.PasswordHasher;
import org.fita.server.auth.TokenCheck;
import org.fita.server.auth.TokenService;
import org.junit.jupiter.api.Test;

/** Tokens that cannot be forged and expire; accounts with real passwords. */
class AuthTest {

    private static String classicToken(String user, String timestamp) {
        String s = user + "." + timestamp + ".login";
        return Base64.getEncoder().encodeToString((s + "." + Authenticator.md5Hex(s + "kjh20)*(1"))
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokensMadeTheClassicWayOrTamperedWithAreRefused() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(); StepClient c = fixture.client()) {
            StepMessage forged = c.call(Requests.fileGet(classicToken("victim", "19700101000000"), "k"));
            assertEquals(403, forged.status());
            assertTrue(forged.statusMessage().contains("classic"), forged.statusMessage());

            String token = c.login("u1");
            char last = token.charAt(token.length() - 1);
            String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
            assertEquals("Token is wrong.", c.call(Requests.fileGet(tampered, "k")).statusMessage());

            String[] parts = token.split("\\.");
            String otherUser = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("admin".getBytes(StandardCharsets.UTF_8)) + "." + parts[2] + "." + parts[3];
            assertEquals(403, c.call(Requests.fileGet(otherUser, "k")).status(), "the MAC covers the username");
            assertEquals(404, c.call(Requests.fileGet(token, "k")).status(), "the real token works");
        }
    }

    @Test
    void aTokenFromAnotherServerIsRefused() throws IOException {
        try (ServerFixture a = ServerFixture.start(); ServerFixture b = ServerFixture.start();
                StepClient ca = a.client(); StepClient cb = b.client()) {
            String token = ca.login("u1");
            assertEquals(403, cb.call(Requests.fileGet(token, "k")).status(), "each root has its own secret");
        }
    }

    @Test
    void tokensExpire() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        byte[] secret = new byte[32];
        TokenService issuer = new TokenService(secret, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
        String token = issuer.issue("u1");
        TokenService later = new TokenService(secret, Duration.ofHours(24),
                Clock.fixed(now.plus(Duration.ofHours(24)).plusSeconds(1), ZoneOffset.UTC));
        TokenService justBefore = new TokenService(secret, Duration.ofHours(24),
                Clock.fixed(now.plus(Duration.ofHours(24)), ZoneOffset.UTC));
        assertEquals("u1", justBefore.check(token).username());
        TokenCheck expired = later.check(token);
        assertEquals(TokenCheck.Problem.EXPIRED, expired.problem());
        assertTrue(expired.message().contains("expired"));
        assertEquals(TokenCheck.Problem.MISSING, later.check(null).problem());
        assertEquals(TokenCheck.Problem.MALFORMED, later.check("a.b.c").problem());
    }

    @Test
    void theTokenSecretIsCreatedOnceAndKeptPrivate() throws IOException {
        Path root = Files.createTempDirectory("fita-secret");
        try {
            TokenService first = TokenService.forRoot(root, Duration.ofHours(1));
            String token = first.issue("u1");
            TokenService second = TokenService.forRoot(root, Duration.ofHours(1));
            assertTrue(second.check(token).isValid(), "a restarted server accepts its own tokens");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(root.resolve("server.secret"))));
        } finally {
            ServerFixture.deleteTree(root);
        }
    }

    @Test
    void passwordHashesAreSaltedAndVerify() {
        PasswordHasher hasher = new PasswordHasher(10_000);
        String a = hasher.hash("s3cret");
        String b = hasher.hash("s3cret");
        assertNotEquals(a, b, "salted");
        assertFalse(a.contains("s3cret"));
        assertTrue(PasswordHasher.verify("s3cret", a));
        assertFalse(PasswordHasher.verify("s3cret ", a));
        assertFalse(PasswordHasher.verify("", a));
        assertFalse(PasswordHasher.verify("s3cret", "garbage"));
    }

    @Test
    void accountsModeChecksRealPasswords() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.authMode(AuthMode.ACCOUNTS));
                StepClient c = fixture.client()) {
            AccountStore accounts = new AccountStore(fixture.root, new PasswordHasher(10_000));
            accounts.add("alice", "correct horse", false);
            assertEquals(200, c.call(Requests.login("alice", "correct horse")).status());
            StepMessage wrong = c.call(Requests.login("alice", "wrong"));
            assertEquals(401, wrong.status());
            assertEquals("Wrong username or password.", wrong.statusMessage());
            assertEquals(401, c.call(Requests.login("alice", Authenticator.md5Hex("alice"))).status(),
                    "the classic rule does not apply to accounts");
            assertEquals(401, c.call(Requests.login("mallory", "anything")).status());
            String token = c.login("alice", "correct horse");
            assertEquals(404, c.call(Requests.fileGet(token, "k")).status());
            assertTrue(accounts.remove("alice"));
            StepMessage revoked = c.call(Requests.fileGet(token, "k"));
            assertEquals(403, revoked.status(), "removing an account revokes its tokens");
            assertTrue(revoked.statusMessage().contains("no longer exists"), revoked.statusMessage());
            assertEquals(401, c.call(Requests.login("alice", "correct horse")).status(), "removal takes effect at once");
        }
    }
}
