package dev.tandem.sandbox.salesforce.id;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 characters whose last three are a checksum that
 * makes the id usable case-insensitively (spec §8: "generate valid 18-char checksum suffix so MALFORMED_ID
 * checks are realistic"). The first three characters are the object's key prefix.
 */
public final class SalesforceIds {

    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private static final Pattern ALPHANUMERIC = Pattern.compile("[A-Za-z0-9]+");

    private SalesforceIds() {
    }

    /**
     * The 3-character suffix: for each 5-character chunk of the 15-character id, bit i is set when character i
     * of the chunk is an upper-case letter; the 5-bit number indexes {@code A..Z0..5}.
     */
    public static String checksum(String id15) {
        if (id15.length() != 15) {
            throw new IllegalArgumentException("a 15-character id is required");
        }
        StringBuilder suffix = new StringBuilder(3);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            suffix.append(SUFFIX_ALPHABET.charAt(bits));
        }
        return suffix.toString();
    }

    public static String to18(String id15) {
        return id15 + checksum(id15);
    }

    /**
     * The canonical 18-character form of a well-formed 15- or 18-character id; empty when the value is not an
     * id (wrong length, non-alphanumeric characters, or an 18-character id whose suffix does not match).
     */
    public static Optional<String> normalize(String raw) {
        if (raw == null || !ALPHANUMERIC.matcher(raw).matches()) {
            return Optional.empty();
        }
        if (raw.length() == 15) {
            return Optional.of(to18(raw));
        }
        if (raw.length() == 18) {
            String id15 = raw.substring(0, 15);
            // The suffix is case-insensitive by design: it is what makes 18-character ids safe in
            // case-insensitive systems.
            return checksum(id15).equalsIgnoreCase(raw.substring(15)) ? Optional.of(to18(id15)) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The canonical id when {@code raw} is a well-formed id carrying {@code keyPrefix}. */
    public static Optional<String> normalize(String raw, String keyPrefix) {
        return normalize(raw).filter(id -> id.startsWith(keyPrefix));
    }
}
