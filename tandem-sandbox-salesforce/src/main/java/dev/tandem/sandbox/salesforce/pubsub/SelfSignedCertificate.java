package dev.tandem.sandbox.salesforce.pubsub;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A self-signed certificate for {@code localhost} / {@code 127.0.0.1}, generated when the Pub/Sub server starts
 * and written as PEM files so any client can trust it (ADR 0006: BouncyCastle, because the JDK has no public API
 * to build a certificate and netty's SelfSignedCertificate relies on JDK internals or BouncyCastle anyway).
 */
final class SelfSignedCertificate {

    private final Path certificate;
    private final Path privateKey;

    private SelfSignedCertificate(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    static SelfSignedCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=localhost, O=Tandem Salesforce sandbox");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Path directory = Files.createTempDirectory("tandem-sandbox-pubsub-");
            Path certPath = directory.resolve("pubsub-cert.pem");
            Path keyPath = directory.resolve("pubsub-key.pem");
            Files.writeString(certPath, pem(cert), StandardCharsets.US_ASCII);
            // PKCS#8 "PRIVATE KEY", the form grpc's TlsServerCredentials reads.
            Files.writeString(keyPath, pem(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded())),
                    StandardCharsets.US_ASCII);
            certPath.toFile().deleteOnExit();
            keyPath.toFile().deleteOnExit();
            directory.toFile().deleteOnExit();
            return new SelfSignedCertificate(certPath, keyPath);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the Pub/Sub server's certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Pub/Sub server's certificate", e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    Path certificate() {
        return certificate;
    }

    Path privateKey() {
        return privateKey;
    }
}
