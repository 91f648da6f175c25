package org.fita.server.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.fita.protocol.CertificateFingerprint;

/**
 * The certificate chain and private key a TLS server presents.
 *
 * @param key             the private key of {@code chain.get(0)}
 * @param chain           the server's certificate first, then the intermediates as the file gave them
 * @param selfSigned      whether the server made the certificate itself
 * @param certificateFile where the certificate was read from
 */
public record ServerIdentity(PrivateKey key, List<X509Certificate> chain, boolean selfSigned, Path certificateFile) {
    /** A certificate that expires within this time is reported at start. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    public ServerIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("A server identity needs its certificate.");
        }
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    public CertificateFingerprint fingerprint() {
        return CertificateFingerprint.of(certificate());
    }

    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /**
     * A warning, fit to log, if the certificate has expired, expires within {@link #EXPIRY_WARNING}
     * of {@code now}, or is not valid yet; empty otherwise.
     */
    public Optional<String> expiryWarning(Instant now) {
        Instant notAfter = notAfter();
        Instant notBefore = certificate().getNotBefore().toInstant();
        String renew = selfSigned
                ? " Delete " + certificateFile + " and its key beside it and restart for a new one (clients will then see a"
                        + " new fingerprint and must accept it again)."
                : " Renew it with its issuer and restart the server with the new files.";
        if (!notAfter.isAfter(now)) {
            return Optional.of("The TLS certificate " + certificateFile + " expired on " + notAfter
                    + ": clients that check it will refuse this server." + renew);
        }
        if (notBefore.isAfter(now)) {
            return Optional.of("The TLS certificate " + certificateFile + " is not valid before " + notBefore
                    + ": clients that check it will refuse this server until then (is the clock right?).");
        }
        if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            long days = Duration.between(now, notAfter).toDays();
            return Optional.of("The TLS certificate " + certificateFile + " expires on " + notAfter + ", in " + days
                    + (days == 1 ? " day." : " days.") + renew);
        }
        return Optional.empty();
    }
}
