package org.fita.server.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.fita.server.storage.PrivateFiles;
import org.fita.server.tls.TlsSetupException.Problem;

/**
 * Reads a server's PEM certificate chain and private key, or makes (once) and reuses a self-signed
 * certificate under the storage root. Bouncy Castle parses and builds; the keys themselves are the
 * JDK's, so JSSE uses them as they are.
 */
public final class ServerCertificates {
    /** The storage root's folder for the self-signed certificate. */
    public static final String FOLDER = "tls";
    public static final String SELF_SIGNED_CERTIFICATE = "self-signed-cert.pem";
    public static final String SELF_SIGNED_KEY = "self-signed-key.pem";
    /** Long enough that nobody meets its end; clients pin the fingerprint, not the dates. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3653);
    /** A PEM file larger than this is not a certificate chain or key. */
    private static final long MAX_PEM_BYTES = 1 << 20;

    private ServerCertificates() {
    }

    /**
     * Reads a certificate chain and its key from PEM files, as CAs and openssl write them.
     *
     * @throws TlsSetupException if a file is missing, unreadable or malformed, the key is encrypted or
     *                           is not the certificate's
     */
    public static ServerIdentity load(Path certificateFile, Path keyFile) throws TlsSetupException {
        List<Object> certObjects = readPem(certificateFile, "certificate");
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object o : certObjects) {
            if (o instanceof X509CertificateHolder h) {
                certificates.add(toCertificate(h, certificateFile));
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsSetupException(Problem.NO_CERTIFICATE, certificateFile + " holds no certificate (no"
                    + " \"-----BEGIN CERTIFICATE-----\" block). Give the certificate file with --tls-cert, such as"
                    + " fullchain.pem, and its private key with --tls-key.");
        }
        PrivateKey key = privateKey(readPem(keyFile, "key"), keyFile);
        // The server's certificate is the one whose key this is; the others are its chain, in the file's order.
        X509Certificate leaf = null;
        for (X509Certificate c : certificates) {
            if (matches(key, c.getPublicKey())) {
                leaf = c;
                break;
            }
        }
        if (leaf == null) {
            throw new TlsSetupException(Problem.KEY_MISMATCH, "The private key " + keyFile + " does not belong to the"
                    + " certificate " + certificateFile + " (" + certificates.get(0).getSubjectX500Principal().getName()
                    + "): the two files are from different certificates. Give the key that was made with this"
                    + " certificate (compare: openssl x509 -in CERT -noout -pubkey and openssl pkey -in KEY -pubout).");
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        for (X509Certificate c : certificates) {
            if (c != leaf) {
                chain.add(c);
            }
        }
        return new ServerIdentity(key, chain, false, certificateFile);
    }

    /**
     * The self-signed certificate under {@code root}/tls: read if there, made and stored first
     * otherwise (EC P-256, ten years, for localhost, this machine's name, 127.0.0.1, ::1 and
     * {@code listenHost} when it names one address).
     */
    public static ServerIdentity selfSigned(Path root, String listenHost) throws TlsSetupException {
        Path folder = root.resolve(FOLDER);
        Path certFile = folder.resolve(SELF_SIGNED_CERTIFICATE);
        Path keyFile = folder.resolve(SELF_SIGNED_KEY);
        boolean haveCert = Files.exists(certFile, LinkOption.NOFOLLOW_LINKS);
        boolean haveKey = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS);
        if (haveCert && haveKey) {
            for (Path p : List.of(certFile, keyFile)) {
                if (Files.isSymbolicLink(p)) {
                    throw new TlsSetupException(Problem.FILE_UNREADABLE, p + " is a symbolic link; the server never follows"
                            + " links inside its storage root. Remove it (rm " + p + ") and start again.");
                }
            }
            ServerIdentity stored = load(certFile, keyFile);
            try {
                PrivateFiles.restrict(keyFile);
            } catch (IOException e) {
                // The start-up check of the root already refused anything writable by others.
            }
            return new ServerIdentity(stored.key(), stored.chain(), true, certFile);
        }
        // None yet, or half of a pair whose making was interrupted: make a new pair.
        try {
            PrivateFiles.createDirectories(folder);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X509Certificate cert = build(pair, names(listenHost), Instant.now());
            // The key first: a certificate on disk always has its key.
            writeAtomically(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeAtomically(certFile, pem(cert));
            return new ServerIdentity(pair.getPrivate(), List.of(cert), true, certFile);
        } catch (IOException | GeneralSecurityException | OperatorCreationException | RuntimeException e) {
            throw new TlsSetupException(Problem.GENERATION_FAILED, "Cannot make the self-signed TLS certificate in "
                    + folder + ": " + e.getMessage() + ". Check that the storage root is writable, or give a certificate"
                    + " with --tls-cert and --tls-key.", e);
        }
    }

    /** The names a self-signed certificate covers: DNS names and IP addresses as given. */
    static Set<String> names(String listenHost) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank()) {
                names.add(host);
            }
        } catch (IOException | RuntimeException e) {
            // No name for this machine: the certificate covers the loopback names.
        }
        if (listenHost != null && !listenHost.isBlank() && !listenHost.equals("0.0.0.0") && !listenHost.equals("::")
                && !listenHost.equals("0:0:0:0:0:0:0:0")) {
            names.add(listenHost);
        }
        return names;
    }

    private static X509Certificate build(KeyPair pair, Set<String> names, Instant now)
            throws OperatorCreationException, GeneralSecurityException, IOException {
        String host = names.stream().filter(n -> !n.equals("localhost") && !isIpAddress(n)).findFirst().orElse("localhost");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "FiTA")
                .addRDN(BCStyle.CN, "FiTA server " + host).build();
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            alt.add(isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
        // An hour back: a client whose clock is a little behind still accepts it.
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject,
                pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(alt.toArray(GeneralName[]::new)));
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static boolean isIpAddress(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static String pem(Object o) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(o);
        }
        return text.toString();
    }

    /** Written whole or not at all, 0600: a crash cannot leave half a key. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        PrivateFiles.write(tmp, content.getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Object> readPem(Path file, String what) throws TlsSetupException {
        String text;
        try {
            if (Files.size(file) > MAX_PEM_BYTES) {
                throw new TlsSetupException(Problem.MALFORMED, file + " is larger than 1 MiB: it is not a PEM " + what
                        + " file. Check the path.");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsSetupException(Problem.FILE_MISSING, "The TLS " + what + " file " + file + " does not exist."
                    + " Check the path given with --tls-" + (what.equals("key") ? "key" : "cert") + ".", e);
        } catch (AccessDeniedException e) {
            throw new TlsSetupException(Problem.FILE_UNREADABLE, "The TLS " + what + " file " + file + " cannot be read"
                    + " by " + System.getProperty("user.name", "this user") + ", who runs the server. Give it read access"
                    + " (for a key, to this user only: chmod 600), or run the server as its owner.", e);
        } catch (TlsSetupException e) {
            throw e;
        } catch (IOException e) {
            throw new TlsSetupException(Problem.FILE_UNREADABLE, "Cannot read the TLS " + what + " file " + file + ": "
                    + e.getMessage() + ".", e);
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException(Problem.MALFORMED, file + " is not a valid PEM " + what + " file: " + e.getMessage()
                    + ". Give the PEM file (text beginning with \"-----BEGIN\"); convert a DER file with openssl"
                    + (what.equals("key") ? " pkey -inform DER -in KEY -out key.pem." : " x509 -inform DER -in CERT -out cert.pem."), e);
        }
        if (objects.isEmpty()) {
            throw new TlsSetupException(what.equals("key") ? Problem.NO_KEY : Problem.NO_CERTIFICATE, file
                    + " holds no PEM block (\"-----BEGIN ...-----\"). Give the PEM " + what + " file.");
        }
        return objects;
    }

    private static X509Certificate toCertificate(X509CertificateHolder h, Path file) throws TlsSetupException {
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(Problem.MALFORMED, "A certificate in " + file + " cannot be used: "
                    + e.getMessage() + ".", e);
        }
    }

    private static PrivateKey privateKey(List<Object> objects, Path file) throws TlsSetupException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        List<PrivateKey> keys = new ArrayList<>();
        for (Object o : objects) {
            try {
                if (o instanceof PEMKeyPair pair) {
                    // The private part alone: a SEC1 EC key may leave out its public key.
                    keys.add(converter.getPrivateKey(pair.getPrivateKeyInfo()));
                } else if (o instanceof PrivateKeyInfo info) {
                    keys.add(converter.getPrivateKey(info));
                } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new TlsSetupException(Problem.ENCRYPTED_KEY, "The private key " + file + " is encrypted with a"
                            + " passphrase, which the server cannot ask for. Write an unencrypted copy readable only by"
                            + " the server's user: openssl pkey -in " + file + " -out server-key.pem (it asks for the"
                            + " passphrase once), chmod 600 server-key.pem, and give that with --tls-key.");
                }
            } catch (org.bouncycastle.openssl.PEMException e) {
                throw new TlsSetupException(Problem.UNSUPPORTED_KEY, "The private key in " + file + " cannot be used: "
                        + e.getMessage() + ". Use an RSA, EC or Ed25519 key.", e);
            }
        }
        if (keys.isEmpty()) {
            throw new TlsSetupException(Problem.NO_KEY, file + " holds no private key (no \"-----BEGIN PRIVATE KEY-----\","
                    + " \"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\" block). Give the key file with --tls-key,"
                    + " such as privkey.pem.");
        }
        if (keys.size() > 1) {
            throw new TlsSetupException(Problem.NO_KEY, file + " holds " + keys.size() + " private keys; give a file with"
                    + " only the certificate's key.");
        }
        return keys.get(0);
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs, the public key verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) throws TlsSetupException {
        String alg = key.getAlgorithm();
        if (!sameFamily(alg, publicKey.getAlgorithm())) {
            return false;
        }
        try {
            Signature signer = signature(alg);
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = signature(alg);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            // A key that cannot sign cannot serve TLS either.
            throw new TlsSetupException(Problem.UNSUPPORTED_KEY, "The " + alg + " private key cannot sign: "
                    + e.getMessage() + ". Use an RSA, EC or Ed25519 key.", e);
        }
    }

    private static boolean sameFamily(String a, String b) {
        return family(a).equals(family(b));
    }

    private static String family(String alg) {
        return switch (alg) {
            case "EC", "ECDSA" -> "EC";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> alg;
        };
    }

    private static Signature signature(String privateAlg) throws GeneralSecurityException {
        switch (family(privateAlg)) {
            case "RSA":
                return Signature.getInstance("SHA256withRSA");
            case "EC":
                return Signature.getInstance("SHA256withECDSA");
            case "EdDSA":
                return Signature.getInstance("EdDSA");
            case "RSASSA-PSS": {
                Signature s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                return s;
            }
            default:
                throw new java.security.NoSuchAlgorithmException("keys of type " + privateAlg + " are not supported");
        }
    }
}
