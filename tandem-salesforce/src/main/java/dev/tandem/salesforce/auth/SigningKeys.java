package dev.tandem.salesforce.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the RSA private key that signs JWT bearer assertions (salesforce-api.md §1.3: RS256 only). Every failure is
 * an {@link IllegalArgumentException} naming the file and what is wrong with it, never the key material or a
 * password.
 */
public final class SigningKeys {

    /** A PEM file larger than this is not a key: refuse it before reading it into memory. */
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private SigningKeys() {
    }

    /**
     * The key of a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes) is read with the
     * JDK. PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) is read through nimbus-jose-jwt, which needs BouncyCastle
     * ({@code bcpkix}) on the class path; without it the error says how to convert the file. Encrypted PEM keys are
     * not supported: use a PKCS#12 keystore with a password instead.
     */
    public static RSAPrivateKey fromPem(Path file) {
        String pem = read(file);
        if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("JWT signing key " + file + " is an encrypted PEM key, which is not "
                    + "supported: put the key in a PKCS#12 keystore (keystorePath, keystorePassword, keyAlias)");
        }
        Matcher pkcs8 = PKCS8.matcher(pem);
        if (pkcs8.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pkcs8.group(1).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JWT signing key " + file + " has invalid Base64 in its PEM body");
            }
            try {
                return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), file);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("JWT signing key " + file + " is not a valid PKCS#8 RSA private key ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            return pkcs1(pem, file);
        }
        throw new IllegalArgumentException("JWT signing key " + file
                + " holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    /** The key under {@code alias} in a PKCS#12 or JKS keystore (the JDK detects the type). */
    public static RSAPrivateKey fromKeystore(Path file, String storePassword, String alias, String keyPassword) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("JWT signing keystore " + file + " does not exist or is not a file");
        }
        char[] storePass = storePassword == null ? new char[0] : storePassword.toCharArray();
        char[] keyPass = keyPassword == null ? storePass : keyPassword.toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance(file.toFile(), storePass);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password surfaces as an IOException whose cause is an UnrecoverableKeyException.
            throw new IllegalArgumentException("JWT signing keystore " + file
                    + " cannot be opened (wrong password or not a PKCS#12/JKS keystore)");
        }
        try {
            if (!store.containsAlias(alias)) {
                throw new IllegalArgumentException("JWT signing keystore " + file + " has no entry " + alias);
            }
            Key key = store.getKey(alias, keyPass);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new IllegalArgumentException("JWT signing keystore entry " + alias + " in " + file
                        + " is not a private key");
            }
            return rsa(privateKey, file);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("JWT signing key " + alias + " in " + file
                    + " cannot be read (wrong key password?)");
        }
    }

    private static RSAPrivateKey pkcs1(String pem, Path file) {
        try {
            JWK jwk = JWK.parseFromPEMEncodedObjects(pem);
            return jwk.toRSAKey().toRSAPrivateKey();
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("JWT signing key " + file + " is a PKCS#1 key (BEGIN RSA PRIVATE KEY), "
                    + "which needs BouncyCastle on the class path; convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
        } catch (JOSEException | RuntimeException e) {
            throw new IllegalArgumentException("JWT signing key " + file + " is not a valid PKCS#1 RSA private key");
        }
    }

    private static RSAPrivateKey rsa(PrivateKey key, Path file) {
        if (key instanceof RSAPrivateKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("JWT signing key " + file + " is a " + rsa.getModulus().bitLength()
                        + "-bit RSA key; RS256 needs at least 2048 bits");
            }
            return rsa;
        }
        throw new IllegalArgumentException("JWT signing key " + file + " is a " + key.getAlgorithm()
                + " key; Salesforce accepts only RS256, which needs an RSA key (§1.3)");
    }

    private static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("JWT signing key " + file + " does not exist or is not a file");
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException("JWT signing key " + file + " is larger than "
                        + MAX_KEY_FILE_BYTES + " bytes: not a PEM key");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return new String(in.readNBytes((int) MAX_KEY_FILE_BYTES), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("JWT signing key " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
