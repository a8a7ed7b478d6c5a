package dev.tandem.core.echo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Canonical value hashing, so a value Tandem wrote and the same value coming back from the other system compare
 * equal however each side typed it: numbers by numeric value ({@code 10}, {@code 10.0} and {@code "10.00"} written
 * as a JSON number are one value), booleans and text as text, null as null. Dates must be brought to one form by
 * the connector before they get here (Salesforce change events carry epoch milliseconds, see its mapper).
 */
public final class FieldValues {

    private FieldValues() {
    }

    /** The canonical text of a field value: numbers without trailing zeros, everything else {@code toString}. */
    public static String canonical(Object value) {
        if (value == null) {
            return "\u0000null";
        }
        if (value instanceof BigDecimal decimal) {
            return "n:" + canonicalNumber(decimal);
        }
        if (value instanceof Number number) {
            return "n:" + canonicalNumber(new BigDecimal(number.toString()));
        }
        if (value instanceof Boolean bool) {
            return "b:" + bool;
        }
        return "s:" + value;
    }

    private static String canonicalNumber(BigDecimal decimal) {
        return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }

    /** A short, stable hash of the canonical value (SHA-256, first 16 bytes, base64url). */
    public static String hash(Object value) {
        // digest() resets the instance; one per thread spares a provider look-up per field
        byte[] digest = SHA_256.get().digest(canonical(value).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    /** Hashes every value of the map, keeping the field names. */
    public static Map<String, String> hashAll(Map<String, ?> values) {
        Map<String, String> hashes = new LinkedHashMap<>();
        values.forEach((field, value) -> hashes.put(field, hash(value)));
        return hashes;
    }
}
