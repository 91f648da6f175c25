package org.fita.server.runner;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A snapshot of the runner's server.
 *
 * @param running     whether a server is listening
 * @param address     where it listens, or {@code null}
 * @param startedAt   when it started, or {@code null}
 * @param connections connections open now
 * @param requests    requests answered since the start
 * @param lastError   why the last start failed, or {@code null}
 */
public record ServerStatus(boolean running, InetSocketAddress address, Instant startedAt, int connections,
        int requests, String lastError) {

    /** "Server is ready on 127.0.0.1:1379", or why it is not. */
    public String describe() {
        if (running) {
            return "Server is ready on " + address.getAddress().getHostAddress() + ":" + address.getPort();
        }
        return lastError == null ? "Server is stopped" : "Server is stopped: " + lastError;
    }
}
