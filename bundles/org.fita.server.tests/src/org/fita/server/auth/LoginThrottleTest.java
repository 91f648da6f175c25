package org.fita.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets of {@link LoginThrottle}, on a clock the test moves. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    @Test
    void failuresUseUpTheAccountsBudgetAndSuccessesDoNot() {
        for (int i = 0; i < 20; i++) {
            ((LoginThrottle.Permit) throttle.admit("alice", "10.0.0.1")).succeeded();
        }
        for (int i = 0; i < LoginThrottle.ACCOUNT_BURST; i++) {
            ((LoginThrottle.Permit) throttle.admit("alice", "10.0.0." + (i + 2))).failed();
        }
        LoginThrottle.Refusal refusal = assertInstanceOf(LoginThrottle.Refusal.class, throttle.admit("alice", "10.0.0.9"));
        assertEquals(LoginThrottle.Limit.ACCOUNT, refusal.limit());
        assertEquals(200, refusal.retryAfter().toMillis(), "one permit every 1/5 s");
        assertInstanceOf(LoginThrottle.Permit.class, throttle.admit("bob", "10.0.0.9"), "other accounts are not held");
        now.addAndGet(200_000_000L);
        assertInstanceOf(LoginThrottle.Permit.class, throttle.admit("alice", "10.0.0.9"));
    }

    @Test
    void oneAddressIsHeldOverAllItsAccounts() {
        for (int i = 0; i < LoginThrottle.ADDRESS_BURST; i++) {
            ((LoginThrottle.Permit) throttle.admit("user" + i, "10.0.0.1")).failed();
        }
        LoginThrottle.Refusal refusal = assertInstanceOf(LoginThrottle.Refusal.class, throttle.admit("new", "10.0.0.1"));
        assertEquals(LoginThrottle.Limit.ADDRESS, refusal.limit());
        assertInstanceOf(LoginThrottle.Permit.class, throttle.admit("new", "10.0.0.2"));
    }

    @Test
    void fullBucketsAreForgotten() {
        for (int i = 0; i < 100; i++) {
            ((LoginThrottle.Permit) throttle.admit("user" + i, "10.0.1." + i)).failed();
        }
        throttle.addressGate("10.0.0.1");
        throttle.accountGate("user1");
        assertTrue(throttle.tracked() >= 202);
        now.addAndGet(10_000_000_000L);
        throttle.forgetIdle();
        assertEquals(0, throttle.tracked());
    }
}
