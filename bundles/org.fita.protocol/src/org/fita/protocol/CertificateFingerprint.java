package org.fita.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a server certificate (of its DER encoding), the one identity that the
 * server prints, {@code known_servers} keeps and users compare. Written as OpenSSH writes host
 * keys: {@code SHA256:} and unpadded base64. Parsing also takes the hex form that
 * {@code openssl x509 -fingerprint -sha256} prints, with or without colons.
 */
public final class CertificateFingerprint {
    public static final String PREFIX = "SHA256:";
    private static final int LENGTH = 32;

    private final byte[] digest;

    private CertificateFingerprint(byte[] digest) {
        this.digest = digest;
    }

    public static CertificateFingerprint of(X509Certificate certificate) {
        try {
            return ofEncoded(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("The certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The fingerprint of a DER-encoded certificate. */
    public static CertificateFingerprint ofEncoded(byte[] der) {
        try {
            return new CertificateFingerprint(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java has no SHA-256", e);
        }
    }

    /**
     * Parses {@code SHA256:base64} (padding optional), or 64 hex digits, with or without colons
     * and an optional {@code SHA256:} or {@code sha256 Fingerprint=} in front.
     *
     * @throws IllegalArgumentException saying which forms are accepted
     */
    public static CertificateFingerprint parse(String text) {
        if (text == null) {
            throw invalid("(nothing)");
        }
        String t = text.strip();
        int eq = t.indexOf('=');
        if (t.regionMatches(true, 0, "sha256 fingerprint=", 0, 19) && eq > 0) {
            t = t.substring(eq + 1).strip();
        }
        if (t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            t = t.substring(PREFIX.length());
        }
        String hex = t.replace(":", "");
        if (hex.length() == LENGTH * 2 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return new CertificateFingerprint(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
        }
        try {
            String b64 = t.endsWith("=") ? t : t + "=".repeat((4 - t.length() % 4) % 4);
            byte[] d = Base64.getDecoder().decode(b64);
            if (d.length == LENGTH) {
                return new CertificateFingerprint(d);
            }
        } catch (IllegalArgumentException e) {
            // not base64 either: fall through to the one message
        }
        throw invalid(text);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + Untrusted.visible(text.length() > 120 ? text.substring(0, 120) + "..." : text) + "' is not a certificate fingerprint:"
                + " write SHA256: and 43 base64 characters, as fita and fita-server print it,"
                + " or the 64 hex digits that openssl x509 -noout -fingerprint -sha256 prints.");
    }

    /** {@code SHA256:} and unpadded base64, as printed everywhere. */
    @Override
    public String toString() {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(digest);
    }

    /** Colon-separated upper-case hex, as openssl prints it, for users who compare with openssl. */
    public String toHex() {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateFingerprint other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }
}
