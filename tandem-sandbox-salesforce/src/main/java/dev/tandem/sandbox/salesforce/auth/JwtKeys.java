package dev.tandem.sandbox.salesforce.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JWT verification key of a connected app (spec §1.3: the admin uploads an X.509 certificate) from a
 * PEM file, for the {@code tandem sandbox salesforce --jwt-cert} flag. Certificates are parsed by the JDK's
 * {@link CertificateFactory}; a bare {@code PUBLIC KEY} block is an X.509 SubjectPublicKeyInfo.
 */
public final class JwtKeys {

    private static final Pattern PUBLIC_KEY_BLOCK = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private JwtKeys() {
    }

    /** The RSA public key of a PEM certificate ({@code BEGIN CERTIFICATE}) or public key ({@code BEGIN PUBLIC KEY}). */
    public static PublicKey fromPem(Path pemFile) throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        try {
            if (pem.contains("-----BEGIN CERTIFICATE-----")) {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            }
            Matcher block = PUBLIC_KEY_BLOCK.matcher(pem);
            if (block.find()) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(1));
                return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("not a readable RSA certificate or public key: " + pemFile, e);
        }
        throw new IOException("no CERTIFICATE or PUBLIC KEY block in " + pemFile);
    }
}
