package dev.tandem.salesforce.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** RSA keys for JWT bearer tests, written in the formats a user would configure. */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as PKCS#8 PEM ({@code openssl genpkey} output). */
    public static Path writePkcs8Pem(Path dir, KeyPair keys) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(dir.resolve("key.pem"), pem);
    }

    /**
     * A PKCS#12 keystore with a self-signed certificate, made by the JDK's {@code keytool} (the JDK has no public API
     * to make certificates), and its certificate.
     */
    public static Path keytoolPkcs12(Path dir, String alias, String password) throws IOException, InterruptedException {
        Path store = dir.resolve("signing.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", alias,
                "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=tandem-test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password))
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return store;
    }

    public static X509Certificate certificate(Path store, String alias, String password) throws Exception {
        KeyStore keyStore = KeyStore.getInstance(store.toFile(), password.toCharArray());
        return (X509Certificate) keyStore.getCertificate(alias);
    }
}
