package org.fita.ui.security;

import org.fita.protocol.CertificateFingerprint;

/** What a TLS connection negotiated, in the words the lock's tooltip and the Messages view use. */
public record TlsFacts(String protocol, String cipherSuite, CertificateFingerprint fingerprint) {

    /** "TLSv1.3, TLS_AES_256_GCM_SHA384". */
    public String negotiated() {
        return protocol + ", " + cipherSuite;
    }

    /** The lock's tooltip: encrypted how, and whose certificate. */
    public String describe() {
        return "Encrypted with TLS (" + negotiated() + ").\nServer certificate " + fingerprint + ".";
    }
}
