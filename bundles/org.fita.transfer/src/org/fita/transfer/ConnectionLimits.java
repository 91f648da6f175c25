package org.fita.transfer;

import java.time.Duration;

/**
 * How long the engine waits for a server, so that a silent or trickling server fails instead of
 * hanging: like curl's {@code --connect-timeout}, {@code --max-time} per reply and
 * {@code --speed-limit}/{@code --speed-time}.
 *
 * @param connectTimeout   longest wait for a TCP connection
 * @param replyTimeout     longest wait for a reply's header and JSON part, from the moment the client
 *                         waits for it; also the longest a write may block
 * @param lowSpeedLimit    bytes per second below which a block being received counts as stalled
 * @param lowSpeedTime     how long a block may arrive below {@code lowSpeedLimit} before the
 *                         connection fails
 */
public record ConnectionLimits(Duration connectTimeout, Duration replyTimeout, long lowSpeedLimit,
        Duration lowSpeedTime) {
    /** 10 s to connect, 60 s per reply, at least 1 KiB/s over any 30 s of a block. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(Duration.ofSeconds(10),
            Duration.ofSeconds(60), 1024, Duration.ofSeconds(30));

    public ConnectionLimits {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || replyTimeout.isNegative()
                || replyTimeout.isZero() || lowSpeedTime.isNegative() || lowSpeedTime.isZero()) {
            throw new IllegalArgumentException("Timeouts must be positive.");
        }
        if (lowSpeedLimit < 0) {
            throw new IllegalArgumentException("The low-speed limit must not be negative.");
        }
    }
}
