package dev.tandem.sandbox.salesforce.rest;

/**
 * The org's daily API request allocation (spec §5): every data call counts one request; when the allocation is
 * used up calls fail with 403 REQUEST_LIMIT_EXCEEDED. The sandbox keeps a plain counter instead of a rolling
 * 24-hour window; {@link #reset()} starts a new "day".
 */
public final class ApiUsage {

    private final long max;
    private long used;

    public ApiUsage(long max) {
        this.max = max;
    }

    /** Counts one call; false (and nothing counted) when the allocation is exhausted. */
    public synchronized boolean tryAcquire() {
        if (used >= max) {
            return false;
        }
        used++;
        return true;
    }

    public synchronized long used() {
        return used;
    }

    public long max() {
        return max;
    }

    public synchronized void exhaust() {
        used = max;
    }

    public synchronized void reset() {
        used = 0;
    }

    /** {@code Sforce-Limit-Info: api-usage=<used>/<max>} (spec §2.7). */
    public synchronized String header() {
        return "api-usage=" + used + "/" + max;
    }
}
