package org.fita.server.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Limits password checks per account and per client address, in the manner of OpenSSH's
 * PerSourcePenalties: each account and each address has a bucket of check permits that refills at
 * a steady rate. A check takes a permit from both buckets; a successful login gives them back, so
 * only failures use them up, and a guesser is held to the refill rate while correct logins are not
 * slowed. An address may also have only a few checks running at once, so one source cannot occupy
 * the hashing threads. Memory is bounded: full buckets are forgotten, and past
 * {@link #MAX_TRACKED} names one shared bucket stands in for the new ones.
 */
public final class LoginThrottle {
    /** Checks one account may have at once after a quiet spell, and per second after that. */
    public static final int ACCOUNT_BURST = 5;
    public static final double ACCOUNT_PER_SECOND = 5;
    /** The same for one client address, over all the accounts it tries. */
    public static final int ADDRESS_BURST = 20;
    public static final double ADDRESS_PER_SECOND = 10;
    /** Password checks running at once for one address. */
    public static final int ADDRESS_CONCURRENT = 2;
    static final int MAX_TRACKED = 100_000;

    /** Why a check was not allowed. */
    public enum Limit {
        /** Too many failed logins for this account. */
        ACCOUNT,
        /** Too many failed logins, or checks at once, from this address. */
        ADDRESS,
        /** Every hashing thread and queue slot is taken. */
        BUSY
    }

    private final LongSupplier nanoClock;
    private final Map<String, Bucket> accounts = new ConcurrentHashMap<>();
    private final Map<String, Bucket> addresses = new ConcurrentHashMap<>();
    private final Bucket accountOverflow;
    private final Bucket addressOverflow;

    public LoginThrottle() {
        this(System::nanoTime);
    }

    LoginThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.accountOverflow = new Bucket(ACCOUNT_BURST, ACCOUNT_PER_SECOND, nanoClock.getAsLong());
        this.addressOverflow = new Bucket(ADDRESS_BURST, ADDRESS_PER_SECOND, nanoClock.getAsLong());
    }

    /** Either a permit to check a password, or the limit hit and how long until a check may run. */
    public sealed interface Admission permits Permit, Refusal {
    }

    /** The limit hit, and the time until the next check would be allowed. */
    public record Refusal(Limit limit, Duration retryAfter) implements Admission {
    }

    /** Leave to run one password check; report its outcome exactly once. */
    public final class Permit implements Admission {
        private final Bucket account;
        private final Bucket address;
        private boolean done;

        private Permit(Bucket account, Bucket address) {
            this.account = account;
            this.address = address;
        }

        /** The password was right: the permits go back, so correct logins never use up a budget. */
        public void succeeded() {
            finish(true);
        }

        /** The password was wrong (or the check could not run): the permits stay used. */
        public void failed() {
            finish(false);
        }

        private synchronized void finish(boolean refund) {
            if (done) {
                return;
            }
            done = true;
            address.endCheck();
            if (refund) {
                account.refund();
                address.refund();
            }
        }
    }

    /** Asks to check a password of {@code account} sent from {@code address} (may be null: no address limit). */
    public Admission admit(String account, String address) {
        long now = nanoClock.getAsLong();
        Bucket acc = bucket(accounts, account, accountOverflow, ACCOUNT_BURST, ACCOUNT_PER_SECOND, now);
        Bucket adr = address == null ? null
                : bucket(addresses, address, addressOverflow, ADDRESS_BURST, ADDRESS_PER_SECOND, now);
        if (adr == null) {
            adr = new Bucket(1, 1, now);
        }
        // Both locks in one fixed order (address, then account), so two admissions never deadlock.
        synchronized (adr) {
            synchronized (acc) {
                long accountWait = acc.nanosUntilPermit(now);
                long addressWait = adr.nanosUntilPermit(now);
                if (addressWait > 0 || accountWait > 0) {
                    return addressWait >= accountWait
                            ? new Refusal(Limit.ADDRESS, Duration.ofNanos(addressWait))
                            : new Refusal(Limit.ACCOUNT, Duration.ofNanos(accountWait));
                }
                if (adr.running >= ADDRESS_CONCURRENT) {
                    return new Refusal(Limit.ADDRESS, Duration.ofSeconds(1));
                }
                acc.take();
                adr.take();
                adr.running++;
                return new Permit(acc, adr);
            }
        }
    }

    /** Forgets buckets that are full again and idle, so that memory follows current activity only. */
    public void forgetIdle() {
        long now = nanoClock.getAsLong();
        accounts.values().removeIf(b -> b.isIdleAndFull(now));
        addresses.values().removeIf(b -> b.isIdleAndFull(now));
    }

    int tracked() {
        return accounts.size() + addresses.size();
    }

    private static Bucket bucket(Map<String, Bucket> map, String name, Bucket overflow, int burst, double perSecond,
            long now) {
        Bucket b = map.get(name);
        if (b != null) {
            return b;
        }
        if (map.size() >= MAX_TRACKED) {
            return overflow;
        }
        return map.computeIfAbsent(name, n -> new Bucket(burst, perSecond, now));
    }

    /** A token bucket; guarded by its own monitor (short, no I/O inside). */
    private static final class Bucket {
        private final int burst;
        private final double perNano;
        private double tokens;
        private long refilled;
        private int running;

        Bucket(int burst, double perSecond, long now) {
            this.burst = burst;
            this.perNano = perSecond / 1e9;
            this.tokens = burst;
            this.refilled = now;
        }

        private void refill(long now) {
            if (now > refilled) {
                tokens = Math.min(burst, tokens + (now - refilled) * perNano);
                refilled = now;
            }
        }

        long nanosUntilPermit(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
        }

        void take() {
            tokens -= 1;
        }

        synchronized void refund() {
            tokens = Math.min(burst, tokens + 1);
        }

        synchronized void endCheck() {
            running--;
        }

        synchronized boolean isIdleAndFull(long now) {
            refill(now);
            return running == 0 && tokens >= burst;
        }
    }
}
