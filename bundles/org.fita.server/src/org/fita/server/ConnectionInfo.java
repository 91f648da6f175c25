package org.fita.server;

import java.time.Instant;

/**
 * A client connection as listeners see it.
 *
 * @param id     unique within one server run, counting from 1
 * @param remote the peer's address as "ip:port"
 * @param opened when it was accepted
 */
public record ConnectionInfo(long id, String remote, Instant opened) {
}
