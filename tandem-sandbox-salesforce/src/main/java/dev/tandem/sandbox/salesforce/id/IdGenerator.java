package dev.tandem.sandbox.salesforce.id;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Mints 18-character ids: key prefix (3) + a fixed pod marker (2) + reserved "0" (1) + a 9-character base-62
 * counter, followed by the checksum. The counter never restarts (not even on a sandbox reset) so an id handed out
 * before a reset can never silently point at a different record afterwards.
 */
public final class IdGenerator {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String POD = "8d";

    private final AtomicLong counter;

    public IdGenerator(long start) {
        this.counter = new AtomicLong(start);
    }

    public String next(String keyPrefix) {
        if (keyPrefix.length() != 3) {
            throw new IllegalArgumentException("key prefixes have three characters: " + keyPrefix);
        }
        return SalesforceIds.to18(keyPrefix + POD + "0" + base62(counter.incrementAndGet(), 9));
    }

    private static String base62(long value, int width) {
        char[] out = new char[width];
        long rest = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (rest % 62));
            rest /= 62;
        }
        return new String(out);
    }
}
