package org.fita.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {
    // SHA-256 of the ASCII bytes "abc" (FIPS 180-2 test vector) stands in for a certificate's DER.
    private static final String ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void printsOpenSshStyleAndParsesEveryForm() {
        CertificateFingerprint f = CertificateFingerprint.ofEncoded("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", f.toString());
        assertTrue(f.toHex().startsWith("BA:78:16:BF"));
        assertEquals(f, CertificateFingerprint.parse(f.toString()));
        assertEquals(f, CertificateFingerprint.parse("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="));
        assertEquals(f, CertificateFingerprint.parse(ABC_HEX));
        assertEquals(f, CertificateFingerprint.parse(f.toHex()));
        assertEquals(f, CertificateFingerprint.parse("sha256 Fingerprint=" + f.toHex()));
        assertEquals(f.hashCode(), CertificateFingerprint.parse(ABC_HEX.toUpperCase()).hashCode());
        assertNotEquals(f, CertificateFingerprint.ofEncoded(new byte[] { 1 }));
    }

    @Test
    void refusesWhatIsNotAFingerprintAndSaysWhichFormsWork() {
        for (String bad : new String[] { "", "SHA256:", "SHA256:abc", ABC_HEX.substring(2), "MD5:" + ABC_HEX,
                "SHA256:\u202Eevil" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CertificateFingerprint.parse(bad));
            assertTrue(e.getMessage().contains("openssl x509"), e.getMessage());
            assertTrue(!e.getMessage().contains("\u202E"), "bidi override escaped");
        }
    }
}
