package org.fita.ui.security;

import org.fita.transfer.trust.TlsInfo;
import org.fita.transfer.trust.TrustedBy;

/** What a TLS connection negotiated and why it was trusted, in the words the lock and the Messages view use. */
public final class TlsText {
    private TlsText() {
    }

    /** "TLSv1.3" as people write it: "TLS 1.3". */
    public static String version(String protocol) {
        return protocol != null && protocol.startsWith("TLSv") ? "TLS " + protocol.substring(4) : String.valueOf(protocol);
    }

    /** "TLSv1.3, TLS_AES_256_GCM_SHA384". */
    public static String negotiated(TlsInfo tls) {
        return tls.protocol() + ", " + tls.cipherSuite();
    }

    /** Why the certificate was accepted, as the end of "Trusted because ...". */
    public static String trustedBy(TrustedBy by) {
        if (by == null) {
            return "it was accepted earlier in this session";
        }
        return switch (by) {
            case CERTIFICATE_AUTHORITY -> "a certificate authority this computer trusts vouches for it";
            case KNOWN_SERVERS -> "it is the one remembered in known_servers";
            case PINNED -> "it is the expected one (the local server's own, or the one given to trust)";
            case ONCE -> "you trusted it for this session";
        };
    }

    /** The lock's tooltip: how the connection is encrypted, whose certificate, and why it is trusted. */
    public static String describe(TlsInfo tls) {
        return "Encrypted with " + version(tls.protocol()) + " (" + negotiated(tls) + ").\nServer certificate "
                + tls.fingerprint() + ".\nTrusted because " + trustedBy(tls.trustedBy()) + ".";
    }
}
