package org.fita.transfer.test;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.fita.protocol.CertificateFingerprint;

/** Keys and certificates made for a test with Bouncy Castle: a CA of its own, and servers signed by it or by themselves. */
final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A private key and its certificate chain, leaf first. */
    record Identity(PrivateKey key, X509Certificate... chain) {
        X509Certificate certificate() {
            return chain[0];
        }

        CertificateFingerprint fingerprint() {
            return CertificateFingerprint.of(chain[0]);
        }

        /** A TLS server context that presents this identity. */
        SSLContext serverContext() throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, new char[0], chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }

        /** Writes the certificate as PEM (for a CA file). */
        Path writePem(Path file) throws IOException, GeneralSecurityException {
            return Files.writeString(file, pem(chain[0]), StandardCharsets.US_ASCII);
        }
    }

    private TestCertificates() {
    }

    /** A certificate authority (self-signed, CA:true). */
    static Identity authority(String name) throws Exception {
        KeyPair pair = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        return new Identity(pair.getPrivate(), sign(subject, subject, pair, pair.getPrivate(), true, List.of()));
    }

    /** A self-signed server certificate for 127.0.0.1 and localhost, as fita-server makes one. */
    static Identity selfSigned() throws Exception {
        KeyPair pair = keyPair();
        X500Name subject = new X500Name("CN=localhost");
        return new Identity(pair.getPrivate(), sign(subject, subject, pair, pair.getPrivate(), false,
                List.of("localhost", "127.0.0.1")));
    }

    /** A server certificate for {@code names} (DNS names or IP addresses) signed by {@code ca}. */
    static Identity signedBy(Identity ca, String... names) throws Exception {
        KeyPair pair = keyPair();
        X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
        X509Certificate leaf = sign(issuer, new X500Name("CN=" + names[0]), pair, ca.key(), false, List.of(names));
        return new Identity(pair.getPrivate(), leaf, ca.certificate());
    }

    static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair pair, PrivateKey signer,
            boolean authority, List<String> names) throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()), new Date(now - 3_600_000L), new Date(now + 86_400_000L * 30),
                subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (!names.isEmpty()) {
            List<GeneralName> general = new ArrayList<>();
            for (String n : names) {
                boolean ip = Character.isDigit(n.charAt(0)) && InetAddress.getByName(n) != null;
                general.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(general.toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }
}
