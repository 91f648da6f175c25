package org.fita.transfer.trust;

/** Why a TLS server's certificate was accepted. */
public enum TrustedBy {
    /** It chains to the system's trust store or to the CA file, and matches the host name. */
    CERTIFICATE_AUTHORITY,
    /** Its fingerprint is the one remembered in {@code known_servers} for this host and port. */
    KNOWN_SERVERS,
    /** Its fingerprint is the one the caller pinned ({@code --trust}). */
    PINNED,
    /** A person trusted it for this session only. */
    ONCE
}
