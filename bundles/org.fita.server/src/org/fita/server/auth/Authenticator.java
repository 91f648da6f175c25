package org.fita.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks LOGIN passwords in the configured {@link AuthMode}, throttled by a {@link LoginThrottle}.
 * The slow account hashes run on a small pool with a short queue, so guessing costs the server at
 * most those threads and cannot starve the rest of it. {@link #close()} stops the pool.
 */
public final class Authenticator implements AutoCloseable {
    /** Password checks waiting for a hashing thread; more are refused as {@link LoginThrottle.Limit#BUSY}. */
    static final int HASH_QUEUE = 16;
    private static final Duration HASH_DEADLINE = Duration.ofSeconds(20);
    /** How long a slow check waits for its account's and address's gates, in all. */
    private static final Duration GATE_WAIT = Duration.ofSeconds(10);

    private final AuthMode mode;
    private final AccountStore accounts;
    private final LoginThrottle throttle;
    private final ThreadPoolExecutor hashing;

    public Authenticator(AuthMode mode, AccountStore accounts) {
        this(mode, accounts, new LoginThrottle());
    }

    public Authenticator(AuthMode mode, AccountStore accounts, LoginThrottle throttle) {
        this.mode = mode;
        this.accounts = accounts;
        this.throttle = throttle;
        int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
        AtomicInteger n = new AtomicInteger();
        this.hashing = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HASH_QUEUE), r -> {
                    Thread t = new Thread(r, "fita-password-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        hashing.allowCoreThreadTimeOut(true);
    }

    /** The outcome of a LOGIN's password check. */
    public sealed interface LoginResult permits Accepted, Rejected, Throttled {
    }

    /** The password is right. */
    public record Accepted() implements LoginResult {
    }

    /** The password is wrong (or the user unknown, in accounts mode). */
    public record Rejected() implements LoginResult {
    }

    /** The password was not checked: a limit was hit; a check may succeed after {@code retryAfter}. */
    public record Throttled(LoginThrottle.Limit limit, Duration retryAfter) implements LoginResult {
    }

    /**
     * Checks a LOGIN's password, unless the account or the client address ({@code address}, may be
     * null) has used up its checks; see {@link LoginThrottle}.
     */
    public LoginResult login(String username, String password, String address) throws IOException {
        if (mode == AuthMode.CLASSIC) {
            return admitted(username, password, address);
        }
        // One slow check at a time per account, then per address: the others wait here, not in the pool's queue.
        java.util.concurrent.Semaphore accountGate = throttle.accountGate(username);
        java.util.concurrent.Semaphore addressGate = throttle.addressGate(address);
        long deadline = System.nanoTime() + GATE_WAIT.toNanos();
        try {
            if (!accountGate.tryAcquire(GATE_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                return new Throttled(LoginThrottle.Limit.BUSY, Duration.ofSeconds(1));
            }
            try {
                if (!addressGate.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return new Throttled(LoginThrottle.Limit.BUSY, Duration.ofSeconds(1));
                }
                try {
                    return admitted(username, password, address);
                } finally {
                    addressGate.release();
                }
            } finally {
                accountGate.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to check a password.", e);
        }
    }

    private LoginResult admitted(String username, String password, String address) throws IOException {
        LoginThrottle.Admission admission = throttle.admit(username, address);
        if (admission instanceof LoginThrottle.Refusal r) {
            return new Throttled(r.limit(), r.retryAfter());
        }
        LoginThrottle.Permit permit = (LoginThrottle.Permit) admission;
        boolean ok = false;
        try {
            if (mode == AuthMode.CLASSIC) {
                // One MD5: cheaper to run here than to hand over.
                ok = check(username, password);
                return ok ? new Accepted() : new Rejected();
            }
            Future<Boolean> verdict;
            try {
                verdict = hashing.submit(() -> accounts.verify(username, password));
            } catch (RejectedExecutionException full) {
                return new Throttled(LoginThrottle.Limit.BUSY, Duration.ofSeconds(1));
            }
            try {
                ok = verdict.get(HASH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                verdict.cancel(true);
                return new Throttled(LoginThrottle.Limit.BUSY, Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while checking a password.", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IllegalStateException(e.getCause());
            }
            return ok ? new Accepted() : new Rejected();
        } finally {
            if (ok) {
                permit.succeeded();
            } else {
                permit.failed();
            }
        }
    }

    /** Forgets throttling state that has run out; called now and then by the server. */
    public void forgetIdle() {
        throttle.forgetIdle();
    }

    @Override
    public void close() {
        hashing.shutdownNow();
    }

    public AuthMode mode() {
        return mode;
    }

    /** Checks a password at once, unthrottled (for tools, not for network logins). */
    public boolean check(String username, String password) throws IOException {
        if (mode == AuthMode.CLASSIC) {
            return md5Hex(username).equalsIgnoreCase(password);
        }
        return accounts.verify(username, password);
    }

    /** Whether a token's user may still act: in accounts mode, removing an account revokes its tokens. */
    public boolean stillExists(String username) throws IOException {
        return mode == AuthMode.CLASSIC || accounts.exists(username);
    }

    /** The classic password of a user: the lowercase hex MD5 of the username's UTF-8 bytes. */
    public static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
