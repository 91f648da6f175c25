package org.fita.server;

import java.time.Instant;

/**
 * One request answered.
 *
 * @param connectionId which connection carried it
 * @param remote       the peer's address
 * @param user         the user the token names (or the LOGIN username), or {@code null}
 * @param type         the request's {@code type}, as sent
 * @param operation    the request's {@code operation}, as sent
 * @param key          the request's {@code key}, or {@code null}
 * @param status       the reply's status code
 * @param message      the reply's status_msg
 * @param bytesIn      binary bytes received with the request
 * @param bytesOut     binary bytes sent with the reply
 * @param nanos        time from the request's arrival to the reply being written
 * @param at           when the reply was written
 */
public record RequestEvent(long connectionId, String remote, String user, String type, String operation, String key,
        int status, String message, long bytesIn, long bytesOut, long nanos, Instant at) {
}
