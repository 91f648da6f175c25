package org.fita.server;

import java.net.InetSocketAddress;

/**
 * Receives a server's events. Called on the server's own threads, so implementations return quickly
 * and never block; a listener that throws is logged and otherwise ignored.
 */
public interface ServerListener {

    default void serverStarted(InetSocketAddress address) {
    }

    default void serverStopped() {
    }

    default void connectionOpened(ConnectionInfo connection) {
    }

    /** @param reason why it closed, fit to show a person */
    default void connectionClosed(ConnectionInfo connection, String reason) {
    }

    /** A connection finished its TLS handshake (TLS servers only). */
    default void connectionSecured(ConnectionInfo connection, String protocol, String cipherSuite) {
    }

    default void requestHandled(RequestEvent event) {
    }

    /** A line written to the server log. */
    default void logged(String line) {
    }
}
