package org.fita.ui.security;

/** The answer to "this server's certificate is unknown: trust it?". */
public enum TrustChoice {
    /** Connect this time; ask again next time. */
    ONCE,
    /** Connect and remember the fingerprint in known_servers. */
    ALWAYS,
    /** Do not connect: nothing is sent. */
    REFUSE
}
