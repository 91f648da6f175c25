package org.fita.server.test;

import org.fita.server.ServerConfig;

/**
 * The golden packets of {@link ClassicClientTest}, byte for byte, from a plain classic client on
 * the port of a server that also serves TLS: the first-byte rule must leave plain STEP untouched.
 */
class ClassicClientOnTlsPortTest extends ClassicClientTest {
    @Override
    ServerConfig.Builder tune(ServerConfig.Builder b) {
        return b.tls(true);
    }
}
