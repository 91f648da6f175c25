package org.fita.transfer.trust;

import org.fita.protocol.CertificateFingerprint;

/**
 * What a TLS connection negotiated, for a lock indication and a message log.
 *
 * @param protocol    such as {@code TLSv1.3}
 * @param cipherSuite such as {@code TLS_AES_256_GCM_SHA384}
 * @param fingerprint the server certificate's fingerprint
 * @param trustedBy   why the certificate was accepted
 */
public record TlsInfo(String protocol, String cipherSuite, CertificateFingerprint fingerprint, TrustedBy trustedBy) {
}
