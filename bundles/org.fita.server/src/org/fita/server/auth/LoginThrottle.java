package org.fita.server.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Limits password checks per account and per client address, in the manner of OpenSSH's
 * PerSourcePenalties: each account and each address has a bucket of check permits that refills at
 * a steady rate. A check takes a permit from both buckets; a successful login gives them back, so
 * only failures use them up, and a guesser is held to the refill rate while correct logins are not
 * slowed. Slow (hashed) checks also pass two gates, one check at a time per account and one per
 * address: guesses at one account queue behind each other, not in front of other accounts' logins
 * from the same address, and one source never holds more than one hashing thread. Memory is
 * bounded: full buckets and free gates are forgotten, and past {@link #MAX_TRACKED} names one
 * shared bucket (or gate) stands in for the new ones.
 */
public final class LoginThrottle {
    /** Checks one account may have at once after a quiet spell, and per second after that. */
    public static final int ACCOUNT_BURST = 5;
    public static final double ACCOUNT_PER_SECOND = 5;
    /** The same for one client address, over all the accounts it tries. */
    public static final int ADDRESS_BURST = 20;
    public static final double ADDRESS_PER_SECOND = 10;
    /** Slow password checks running at once for one account, and for one address. */
    public static final int CONCURRENT = 1;
    static final int MAX_TRACKED = 100_000;

    /** Why a check was not allowed. */
    public enum Limit {
        /** Too many failed logins for this account. */
        ACCOUNT,
        /** Too many failed logins from this address. */
        ADDRESS,
        /** Every hashing thread and queue slot is taken. */
        BUSY
    }

    private final LongSupplier nanoClock;
    private final Map<String, Bucket> accounts = new ConcurrentHashMap<>();
    private final Map<String, Bucket> addresses = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> accountGates = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> addressGates = new ConcurrentHashMap<>();
    private final Bucket accountOverflow;
    private final Bucket addressOverflow;
    private final Semaphore accountGateOverflow = new Semaphore(CONCURRENT, true);
    private final Semaphore addressGateOverflow = new Semaphore(CONCURRENT, true);

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
                acc.take();
                adr.take();
                return new Permit(acc, adr);
            }
        }
    }

    /**
     * The gate of slow checks of {@code account}: acquire a permit, with a deadline, before the
     * address's {@link #addressGate} (always in that order), and release both when the check is over.
     */
    public Semaphore accountGate(String account) {
        return gate(accountGates, account, accountGateOverflow);
    }

    /** The gate of slow checks from {@code address} (null: a gate of its own); see {@link #accountGate}. */
    public Semaphore addressGate(String address) {
        return gate(addressGates, address, addressGateOverflow);
    }

    private static Semaphore gate(Map<String, Semaphore> gates, String name, Semaphore overflow) {
        if (name == null) {
            return new Semaphore(CONCURRENT, true);
        }
        Semaphore gate = gates.get(name);
        if (gate != null) {
            return gate;
        }
        if (gates.size() >= MAX_TRACKED) {
            return overflow;
        }
        return gates.computeIfAbsent(name, n -> new Semaphore(CONCURRENT, true));
    }

    /** Forgets buckets that are full again and gates nobody holds, so that memory follows current activity only. */
    public void forgetIdle() {
        long now = nanoClock.getAsLong();
        accounts.values().removeIf(b -> b.isFull(now));
        addresses.values().removeIf(b -> b.isFull(now));
        accountGates.values().removeIf(g -> g.availablePermits() == CONCURRENT && !g.hasQueuedThreads());
        addressGates.values().removeIf(g -> g.availablePermits() == CONCURRENT && !g.hasQueuedThreads());
    }

    int tracked() {
        return accounts.size() + addresses.size() + accountGates.size() + addressGates.size();
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

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }
    }
}
