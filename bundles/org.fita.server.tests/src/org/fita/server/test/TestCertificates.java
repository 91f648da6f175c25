package org.fita.server.test;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test's own certificate authority and TLS client, made with Bouncy Castle and JSSE. */
final class TestCertificates {
    private TestCertificates() {
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A CA certificate signed by its own key. */
    static X509Certificate ca(KeyPair pair, String name) throws Exception {
        Instant now = Instant.now();
        return sign(new X500Name("CN=" + name), pair.getPublic(), new X500Name("CN=" + name), pair.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), true, List.of());
    }

    /** A server certificate for {@code names} (IP addresses or DNS names), issued by {@code ca}. */
    static X509Certificate issue(X509Certificate ca, PrivateKey caKey, PublicKey key, Instant notBefore, Instant notAfter,
            String... names) throws Exception {
        return sign(new X500Name(ca.getSubjectX500Principal().getName()), key, new X500Name("CN=server"), caKey,
                notBefore, notAfter, false, List.of(names));
    }

    private static X509Certificate sign(X500Name issuer, PublicKey key, X500Name subject, PrivateKey signer,
            Instant notBefore, Instant notAfter, boolean isCa, List<String> names) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (!names.isEmpty()) {
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                alt.add(new GeneralName(n.matches("[0-9.]+") || n.contains(":") ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        }
        String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
    }

    /** PEM of a certificate, or of a key in the traditional form (PKCS#1 RSA, SEC1 EC). */
    static String pem(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        }
        return text.toString();
    }

    /** PEM of a key in PKCS#8 ("PRIVATE KEY"). */
    static String pkcs8(PrivateKey key) throws IOException {
        return pem(new JcaPKCS8Generator(key, null).generate());
    }

    /** PEM of a key in encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2 with AES-256), as openssl pkcs8 -topk8 writes it. */
    static String encryptedPkcs8(PrivateKey key, char[] password) throws GeneralSecurityException {
        String alg = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        javax.crypto.SecretKey secret = javax.crypto.SecretKeyFactory.getInstance(alg)
                .generateSecret(new javax.crypto.spec.PBEKeySpec(password));
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance(alg);
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, secret,
                new javax.crypto.spec.PBEParameterSpec(salt, 10_000, new javax.crypto.spec.IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(key.getEncoded());
        try {
            var info = new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2,
                            org.bouncycastle.asn1.ASN1Primitive.fromByteArray(cipher.getParameters().getEncoded())),
                    encrypted);
            return block("ENCRYPTED PRIVATE KEY", info.getEncoded());
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** A key in OpenSSL's old encrypted form (Proc-Type: 4,ENCRYPTED); the body is random, as only the form matters. */
    static String legacyEncrypted() {
        byte[] body = new byte[1200];
        new SecureRandom().nextBytes(body);
        return "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(body)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    /** SEC1 ("EC PRIVATE KEY") as openssl writes it: with the curve, and the public key when given. */
    static String sec1(java.security.interfaces.ECPrivateKey key, PublicKey publicKey) throws IOException {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var params = info.getPrivateKeyAlgorithm().getParameters();
        var publicBits = publicKey == null ? null : org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
                .getInstance(publicKey.getEncoded()).getPublicKeyData();
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), publicBits, params);
        return block("EC PRIVATE KEY", sec1.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /**
     * A TLS client socket to 127.0.0.1:port through its handshake, trusting only {@code trusted} and
     * checking that the certificate names 127.0.0.1, as an HTTPS client would.
     */
    static SSLSocket connect(int port, List<String> protocols, X509Certificate... trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            store.setCertificateEntry("trusted" + i, trusted[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols != null) {
            p.setProtocols(protocols.toArray(String[]::new));
        }
        s.setSSLParameters(p);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }
}
