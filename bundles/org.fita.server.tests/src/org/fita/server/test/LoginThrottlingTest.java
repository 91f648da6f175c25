package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.LoginThrottle;
import org.fita.server.auth.PasswordHasher;
import org.junit.jupiter.api.Test;

/** Password guessing is held to a few checks a second and cannot starve the logins of others. */
class LoginThrottlingTest {
    private static final Pattern WAIT = Pattern.compile("try again in (\\d+) s\\.$");

    @Test
    void aRealLoginAnswersQuicklyDuringAGuessingFlood() throws Exception {
        Path root = Files.createTempDirectory("fita-throttle-test");
        // Real cost: the default 600000 PBKDF2 iterations, as accounts made by 'fita-server user add' have.
        AccountStore accounts = new AccountStore(root, new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS));
        accounts.add("root", "the real one", false);
        accounts.add("alice", "alice's password", false);
        try (ServerFixture fixture = ServerFixture.startOn(root, b -> b.authMode(AuthMode.ACCOUNTS))) {
            // The same LOGIN without a flood, on this machine now: on a busy machine one hash alone can take a second.
            long quietMillis = Long.MAX_VALUE;
            for (int i = 0; i < 2; i++) {
                long t = System.nanoTime();
                try (StepClient alice = new StepClient(fixture.port(), "127.0.0.2")) {
                    assertEquals(200, alice.call(Requests.login("alice", "alice's password")).status());
                }
                quietMillis = Math.min(quietMillis, (System.nanoTime() - t) / 1_000_000);
            }
            long limit = Math.max(2000, 3 * quietMillis);
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger checked = new AtomicInteger();
            AtomicInteger throttled = new AtomicInteger();
            List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService guessers = Executors.newFixedThreadPool(16);
            List<Future<?>> running = new ArrayList<>();
            long floodStarted = System.nanoTime();
            for (int g = 0; g < 16; g++) {
                int id = g;
                running.add(guessers.submit(() -> {
                    try (StepClient c = fixture.client()) {
                        int n = 0;
                        while (flooding.get()) {
                            StepMessage r = c.call(Requests.login("root", "guess-" + id + "-" + n++));
                            if (r.status() == 401) {
                                checked.incrementAndGet();
                            } else {
                                assertEquals(429, r.status(), r.toString());
                                throttled.incrementAndGet();
                                messages.add(r.statusMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1500);
            long started = System.nanoTime();
            long aliceMillis;
            try (StepClient alice = new StepClient(fixture.port(), "127.0.0.2")) {
                StepMessage ok = alice.call(Requests.login("alice", "alice's password"));
                aliceMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, ok.status(), ok.toString());
                assertTrue(aliceMillis < limit, "a real LOGIN took " + aliceMillis + " ms during the flood, "
                        + quietMillis + " ms without");
            }
            // From the guessers' own address it waits for at most one guess's hash, then its own.
            long sameAddressMillis;
            started = System.nanoTime();
            try (StepClient alice = fixture.client()) {
                StepMessage ok = alice.call(Requests.login("alice", "alice's password"));
                sameAddressMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, ok.status(), ok.toString());
                assertTrue(sameAddressMillis < limit + 2 * quietMillis, "a real LOGIN from the guessers' address took "
                        + sameAddressMillis + " ms during the flood, " + quietMillis + " ms without");
            }
            flooding.set(false);
            for (Future<?> f : running) {
                f.get();
            }
            guessers.shutdown();
            double seconds = (System.nanoTime() - floodStarted) / 1e9;
            // The burst, then the refill rate, with one second of slack for checks under way.
            double allowed = LoginThrottle.ACCOUNT_BURST + LoginThrottle.ACCOUNT_PER_SECOND * (seconds + 1);
            System.out.printf("guessing flood: %d passwords checked, %d refused in %.1f s; a real LOGIN took %d ms"
                    + " (%d ms from the guessers' address; %d ms without a flood)%n", checked.get(), throttled.get(),
                    seconds, aliceMillis, sameAddressMillis, quietMillis);
            assertTrue(checked.get() <= allowed, checked.get() + " passwords checked in " + seconds + " s");
            // Slow hashes are already held back by the address gate; whatever was refused says how long to wait.
            for (String message : messages) {
                assertTrue(WAIT.matcher(message).find(), message);
            }
            // The right password still works once the account's budget has refilled (from elsewhere at once).
            try (StepClient owner = new StepClient(fixture.port(), "127.0.0.3")) {
                Thread.sleep(1200);
                assertEquals(200, owner.call(Requests.login("root", "the real one")).status());
            }
        } finally {
            ServerFixture.deleteTree(root);
        }
    }

    @Test
    void guessesAtOneAccountAreHeldToItsRateFromAnyAddress() throws Exception {
        try (ServerFixture fixture = ServerFixture.start()) {
            List<StepMessage> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try (StepClient c = new StepClient(fixture.port(), "127.0.0." + (10 + i))) {
                    replies.add(c.call(Requests.login("root", "guess " + i)));
                }
            }
            long wrong = replies.stream().filter(r -> r.status() == 401).count();
            assertTrue(wrong >= LoginThrottle.ACCOUNT_BURST && wrong <= LoginThrottle.ACCOUNT_BURST + 2, wrong + " checked");
            StepMessage refused = replies.get(replies.size() - 1);
            assertEquals(429, refused.status(), refused.toString());
            Matcher wait = WAIT.matcher(refused.statusMessage());
            assertTrue(refused.statusMessage().startsWith("Too many failed logins for \"root\"; the password was not checked;")
                    && wait.find() && Integer.parseInt(wait.group(1)) == 1, refused.statusMessage());
            // Other accounts are not held back.
            try (StepClient c = fixture.client()) {
                c.login("2254001");
            }
            Thread.sleep(1000);
            try (StepClient c = fixture.client()) {
                assertEquals(200, c.call(Requests.login("root", Authenticator.md5Hex("root"))).status(),
                        "the right password works once the budget has refilled");
            }
        }
    }

    @Test
    void oneAddressGuessingManyAccountsIsHeldBackAndOthersAreNot() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(); StepClient guesser = fixture.client()) {
            int refused = 0;
            int wrong = 0;
            for (int i = 0; i < LoginThrottle.ADDRESS_BURST + 5; i++) {
                StepMessage r = guesser.call(Requests.login("user" + i, "not md5"));
                if (r.status() == 429) {
                    refused++;
                    assertTrue(r.statusMessage().startsWith("Too many failed logins from your address"), r.statusMessage());
                    assertEquals("LOGIN", r.operation());
                    assertEquals("AUTH", r.type());
                } else {
                    assertEquals("\"Password error for login.", r.statusMessage());
                    wrong++;
                }
            }
            assertTrue(wrong >= LoginThrottle.ADDRESS_BURST && wrong <= LoginThrottle.ADDRESS_BURST + 1, wrong + " checked");
            assertTrue(refused >= 4, refused + " refused");
            // A classic client elsewhere logs in exactly as before.
            try (StepClient classic = new StepClient(fixture.port(), "127.0.0.2")) {
                StepMessage ok = classic.call(Requests.login("2254001", Authenticator.md5Hex("2254001")));
                assertEquals(200, ok.status());
                assertEquals("Login successfully", ok.statusMessage());
            }
        }
    }
}
